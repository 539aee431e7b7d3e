/**
 * `npm run teams:package`: writes dist/offboard-teams.zip, the Teams app package (manifest and icons)
 * to upload in Teams or the Teams admin center. Reads MicrosoftAppId and PUBLIC_BASE_URL from the
 * environment; each stand-in value is printed as a warning.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildTeamsPackage } from "../adapters/teams/app-package";

export async function writeTeamsPackage(
  outFile = path.resolve(__dirname, "../dist/offboard-teams.zip"),
  env: Record<string, string | undefined> = process.env,
): Promise<{ file: string; warnings: string[] }> {
  const built = await buildTeamsPackage({ env, root: path.resolve(__dirname, "..") });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, built.zip);
  return { file: outFile, warnings: built.warnings };
}

if (require.main === module) {
  writeTeamsPackage()
    .then(({ file, warnings }) => {
      for (const warning of warnings) console.warn(`warning: ${warning}`);
      console.log(`Teams app package written to ${path.relative(process.cwd(), file)}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
