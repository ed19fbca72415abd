/**
 * Writes what follows from the declarations (provider/core/model, the resource tables, the
 * lookups, the settings): the TypeScript declarations users see, the package schema the
 * plugin serves, and the README's reference tables.
 *
 *   npm run generate            writes them
 *   npm run generate -- --check fails (exit 1) naming every file that is not current
 *
 * test/unit/generated.test.ts runs the check in every `npm test`, so that no derived file can
 * drift from its declaration.
 */
import * as fs from "fs";
import * as path from "path";
import { generatedFiles } from "./lib/generated";

async function main() {
  const root = path.resolve(__dirname, "..");
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const [file, text] of Object.entries(await generatedFiles(root))) {
    const full = path.join(root, file);
    const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
    if (current === text) continue;
    if (check) stale.push(file);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length) {
    console.error(`not current (run \`npm run generate\`): ${stale.join(", ")}`);
    process.exit(1);
  }
}

void main();
