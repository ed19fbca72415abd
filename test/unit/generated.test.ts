// Every file derived from the declarations is current: the TypeScript declarations users
// see, the package schema, the reference tables. A declaration changed without
// `npm run generate` fails here, naming the file. (The check runs in a process of its own:
// Prettier, which formats the files, loads itself with a dynamic import jest cannot serve.)
import { execFile } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

it("the files generated from the declarations are current (else run `npm run generate`)", async () => {
  const result = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/generate.ts", "--check"],
      { cwd: root },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  expect(result.output).toBe("");
  expect(result.code).toBe(0);
}, 60_000);
