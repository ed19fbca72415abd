import * as fs from "fs";
import * as path from "path";
import { VERSION } from "../../provider/version";

describe("VERSION", () => {
  it("equals package.json's version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8"));
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(VERSION).toBe(pkg.version);
  });
});
