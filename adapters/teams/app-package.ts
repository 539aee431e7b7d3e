import JSZip from "jszip";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { colorIcon, outlineIcon } from "./app-icons";

/**
 * The Teams app package: `teams-app/manifest.json` with its `${{NAME}}` placeholders filled, plus the
 * two icons, zipped flat (manifest.json, color.png, outline.png at the root, as Teams requires).
 * Upload the zip in Teams (Apps → Manage your apps → Upload an app) or in the Teams admin center.
 */
export const zeroGuid = "00000000-0000-0000-0000-000000000000";
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const exampleBaseUrl = "https://offboard.example.com";

export interface TeamsPackageOptions {
  /** Environment to read `MicrosoftAppId` and `PUBLIC_BASE_URL` from. */
  env?: Record<string, string | undefined>;
  /** The repository root (where teams-app/ and package.json are). */
  root?: string;
}

export interface TeamsPackage {
  zip: Buffer;
  manifest: Record<string, unknown>;
  /** What was filled with a stand-in value and must be fixed before a real install. */
  warnings: string[];
}

/** The placeholder values from the environment, with a warning for each stand-in. */
export function placeholderValues(
  env: Record<string, string | undefined>,
  version: string,
): { values: Record<string, string>; warnings: string[] } {
  const warnings: string[] = [];
  let appId = env.MicrosoftAppId?.trim() ?? "";
  if (!guidPattern.test(appId)) {
    warnings.push(
      appId
        ? `MicrosoftAppId "${appId}" is not a GUID: the package uses ${zeroGuid}, which Teams will not accept; set MicrosoftAppId to the Azure Bot's app id`
        : `MicrosoftAppId is not set: the package uses ${zeroGuid} as app and bot id; set it to the Azure Bot's app id before installing`,
    );
    appId = zeroGuid;
  }
  let baseUrl = (env.PUBLIC_BASE_URL ?? "").trim().replace(/\/+$/, "");
  if (!/^https:\/\/[^/]+/.test(baseUrl)) {
    warnings.push(
      `PUBLIC_BASE_URL ${baseUrl ? `"${baseUrl}" is not an https URL` : "is not set"}: the package uses ${exampleBaseUrl} for the developer links and valid domains`,
    );
    baseUrl = exampleBaseUrl;
  }
  return {
    values: {
      MICROSOFT_APP_ID: appId.toLowerCase(),
      APP_VERSION: version,
      PUBLIC_BASE_URL: baseUrl,
      PUBLIC_HOST: new URL(baseUrl).host,
    },
    warnings,
  };
}

/** Replaces every `${{NAME}}`; an unknown name is an error (a manifest never ships a placeholder). */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (token, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(
        `teams-app/manifest.json uses ${token}, which the packager does not know (known: ${Object.keys(values).join(", ")})`,
      );
    return JSON.stringify(value).slice(1, -1);
  });
}

export async function buildTeamsPackage(options: TeamsPackageOptions = {}): Promise<TeamsPackage> {
  const root = options.root ?? path.resolve(__dirname, "../..");
  const env = options.env ?? process.env;
  const { version } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { version: string };
  const template = await readFile(path.join(root, "teams-app", "manifest.json"), "utf8");
  const { values, warnings } = placeholderValues(env, version);
  const manifest = JSON.parse(fillPlaceholders(template, values)) as Record<string, unknown>;
  const zip = new JSZip();
  // A fixed date keeps the zip byte-for-byte the same for the same inputs.
  const date = new Date("2026-01-01T00:00:00Z");
  zip.file("manifest.json", JSON.stringify(manifest, null, 2) + "\n", { date });
  zip.file("color.png", colorIcon(), { date });
  zip.file("outline.png", outlineIcon(), { date });
  return { zip: await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }), manifest, warnings };
}
