/**
 * Part of `npm run build`: the pages, scripts, styles and scenarios the adapters and the sandbox read
 * at run time sit beside their .ts files; tsc compiles only the .ts, so this carries the rest into dist/.
 */
const { cpSync, readdirSync, statSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const sources = ["adapters", "sandbox"];

function copyNonTypeScript(relative) {
  for (const name of readdirSync(path.join(root, relative))) {
    const from = path.join(relative, name);
    if (statSync(path.join(root, from)).isDirectory()) copyNonTypeScript(from);
    else if (!name.endsWith(".ts") && !name.endsWith(".md"))
      cpSync(path.join(root, from), path.join(root, "dist", from));
  }
}

for (const source of sources) copyNonTypeScript(source);
