// Every file derived from the declarations is current: the TypeScript declarations users
// see, the package schema, the reference tables. A declaration changed without
// `npm run generate` fails here, naming the file.
import * as fs from "fs";
import * as path from "path";
import { generatedFiles } from "../../scripts/lib/generated";

const root = path.resolve(__dirname, "..", "..");

describe("files generated from the declarations", () => {
  let files: Record<string, string>;
  beforeAll(async () => {
    files = await generatedFiles(root);
  });

  it("are all current (run `npm run generate` after changing a declaration)", () => {
    const stale = Object.entries(files)
      .filter(([file, text]) => {
        const full = path.join(root, file);
        return !fs.existsSync(full) || fs.readFileSync(full, "utf8") !== text;
      })
      .map(([file]) => file);
    expect(stale).toEqual([]);
  });
});
