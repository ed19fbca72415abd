/**
 * The Python SDK (sdk/python), short of importing it: the `pulumi` Python package it needs is
 * not reachable on these machines (PyPI is refused), so the package is checked as source and
 * as built artifacts. A copy byte-compiles (`python3 -m py_compile` on every file), builds an
 * sdist and a wheel with Debian's setuptools and wheel (offline, no build isolation), and the
 * wheel installs offline; its metadata, README and docstrings are the schema's.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPythonSdk, canBuildWheels, python3, pythonFiles } from "../../scripts/lib/sdkBuild";
import { pythonName } from "../../scripts/lib/sdkReference";
import { PythonPackage, readPythonPackage, REPO_ROOT, run } from "./helpers";

interface PropertySpec {
  description?: string;
}
interface ObjectSpec {
  description?: string;
  properties?: Record<string, PropertySpec>;
  inputProperties?: Record<string, PropertySpec>;
}
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8"));
const version: string = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"),
).version;
const tokenName = (token: string) => token.split(":").pop()!;

const python = python3();
const buildable = canBuildWheels(python);
const describeBuild = buildable || process.env.CI ? describe : describe.skip;
if (!buildable && !process.env.CI)
  console.warn(
    `\n*** SKIPPING the Python SDK build: ${python} lacks setuptools or wheel (apt-get install python3-setuptools python3-wheel). ***\n`,
  );

describeBuild("the Python SDK (sdk/python), built without the pulumi package", () => {
  let work: string;
  let built: ReturnType<typeof buildPythonSdk>;
  let artifacts: {
    wheel: string[];
    sdist: string[];
    metadata: Record<string, string[]>;
    description: string;
  };

  beforeAll(async () => {
    if (!buildable) throw new Error(`${python} lacks setuptools or wheel`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "codeocean-sdk-python-"));
    built = buildPythonSdk(path.join(work, "python"), { python });
    const ran = await run(python, [
      "-c",
      `import email, json, sys, tarfile, zipfile
w = zipfile.ZipFile(sys.argv[1])
meta = next(n for n in w.namelist() if n.endswith(".dist-info/METADATA"))
m = email.message_from_string(w.read(meta).decode("utf-8"))
print(json.dumps({"wheel": w.namelist(), "sdist": tarfile.open(sys.argv[2]).getnames(),
  "metadata": {k: [str(v) for v in m.get_all(k)] for k in set(m.keys())}, "description": m.get_payload()}))`,
      built.wheel,
      built.sdist,
    ]);
    if (ran.code !== 0) throw new Error(ran.stderr);
    artifacts = JSON.parse(ran.stdout);
  }, 120_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("every Python file byte-compiles", () => {
    expect(built.compiled).toBe(pythonFiles(path.join(REPO_ROOT, "sdk", "python")).length);
    expect(built.compiled).toBeGreaterThan(10);
  });

  it("builds an sdist and a wheel of the package's version, holding every file", () => {
    expect(path.basename(built.wheel)).toBe(`pulumi_codeocean-${version}-py3-none-any.whl`);
    expect(path.basename(built.sdist)).toBe(`pulumi_codeocean-${version}.tar.gz`);
    const packageFiles = fs
      .readdirSync(path.join(REPO_ROOT, "sdk", "python", "pulumi_codeocean"), { recursive: true })
      .map(String)
      .filter((f) => fs.statSync(path.join(REPO_ROOT, "sdk", "python", "pulumi_codeocean", f)).isFile())
      .map((f) => `pulumi_codeocean/${f}`)
      // The package's README.md is the wheel's long description (METADATA), not a file in it.
      .filter((f) => f !== "pulumi_codeocean/README.md");
    // py.typed, the config stub, pulumi-plugin.json (the engine reads the plugin's name and
    // version there) too.
    expect(packageFiles).toEqual(
      expect.arrayContaining([
        "pulumi_codeocean/py.typed",
        "pulumi_codeocean/config/__init__.pyi",
        "pulumi_codeocean/pulumi-plugin.json",
      ]),
    );
    expect(artifacts.wheel).toEqual(expect.arrayContaining(packageFiles));
    expect(artifacts.sdist).toEqual(
      expect.arrayContaining(
        [...packageFiles, "pyproject.toml", "README.md"].map(
          (f) => `pulumi_codeocean-${version}/${f}`,
        ),
      ),
    );
    expect(artifacts.metadata).toMatchObject({
      Name: ["pulumi-codeocean"], // setuptools writes the normalized name
      Version: [version],
      "Requires-Python": [">=3.9"],
      "Description-Content-Type": ["text/markdown"],
    });
    expect(artifacts.metadata["Requires-Dist"]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pulumi \(<4\.0\.0,>=3\.\d+\.\d+\)$/)]),
    );
  });

  it("installs offline from the wheel (pip --no-deps --no-index)", async () => {
    const target = path.join(work, "site");
    const ran = await run(python, [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--no-deps",
      "--no-index",
      "--disable-pip-version-check",
      "--root-user-action=ignore",
      "--target",
      target,
      built.wheel,
    ]);
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    expect(fs.existsSync(path.join(target, "pulumi_codeocean", "data_asset.py"))).toBe(true);
  });

  it("its README (the package's long description) is the schema's python readme", () => {
    const readme: string = schema.language.python.readme;
    expect(artifacts.description.trim()).toBe(readme.trim());
    for (const f of ["README.md", "pulumi_codeocean/README.md"])
      expect(fs.readFileSync(path.join(REPO_ROOT, "sdk", "python", f), "utf8").trim()).toBe(
        readme.trim(),
      );
  });
});

describe("the Python SDK's source (sdk/python/pulumi_codeocean)", () => {
  let pkg: PythonPackage;
  beforeAll(async () => {
    pkg = await readPythonPackage(python, path.join(REPO_ROOT, "sdk", "python", "pulumi_codeocean"));
  });

  it("every relative import names a module of the package", () => {
    expect(pkg.unresolved).toEqual([]);
  });

  /** Each schema property as a Python property of `cls`, with its description as docstring. */
  const docsOf = (cls: string, props: Record<string, PropertySpec>) => {
    const found = pkg.classes[cls];
    if (!found) return { [cls]: "missing" };
    return Object.fromEntries(
      Object.entries(props).map(([name, p]) => {
        const prop = found.properties[name];
        if (!prop) return [name, "missing"];
        return [
          name,
          prop.python === pythonName(name) && prop.doc === (p.description ?? "").trim()
            ? "ok"
            : { python: prop.python, doc: prop.doc, description: p.description },
        ];
      }),
    );
  };
  const allOk = (props: Record<string, unknown>) =>
    Object.fromEntries(Object.keys(props).map((k) => [k, "ok"]));

  it("resources: the class's docstring is the description; inputs and outputs are documented", () => {
    for (const [token, r] of Object.entries(schema.resources as Record<string, ObjectSpec>)) {
      const name = tokenName(token);
      expect(pkg.classes[name].initDocs.some((d) => d.startsWith(r.description!))).toBe(true);
      expect(docsOf(`${name}Args`, r.inputProperties!)).toEqual(allOk(r.inputProperties!));
      expect(docsOf(name, r.properties!)).toEqual(allOk(r.properties!));
    }
  });

  it("types: input (Args) and output classes carry the schema's descriptions", () => {
    let checked = 0;
    for (const [token, t] of Object.entries(schema.types as Record<string, ObjectSpec>)) {
      const name = tokenName(token);
      for (const cls of [name, `${name}Args`]) {
        if (!pkg.classes[cls]) continue;
        expect(docsOf(cls, t.properties ?? {})).toEqual(allOk(t.properties ?? {}));
        checked++;
      }
      expect(pkg.classes[name] ?? pkg.classes[`${name}Args`]).toBeDefined();
    }
    expect(checked).toBeGreaterThanOrEqual(Object.keys(schema.types).length);
  });

  it("functions and the provider: their descriptions are the docstrings", () => {
    for (const [token, fn] of Object.entries(
      schema.functions as Record<string, { description: string; inputs: ObjectSpec }>,
    )) {
      const f = pkg.functions[pythonName(tokenName(token))];
      expect(f.doc.startsWith(fn.description)).toBe(true);
      expect(f.params).toEqual(
        expect.arrayContaining(Object.keys(fn.inputs.properties ?? {}).map(pythonName)),
      );
    }
    expect(docsOf("ProviderArgs", schema.provider.inputProperties)).toEqual(
      allOk(schema.provider.inputProperties),
    );
  });
});
