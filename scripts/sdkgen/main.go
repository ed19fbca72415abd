// sdkgen writes the Node.js, Python and Go SDKs of a Pulumi package from its schema, with the
// code generators of github.com/pulumi/pulumi/pkg/v3 called directly. `pulumi package gen-sdk`
// does the same through the language hosts (pulumi-language-nodejs, -python, -go), which cannot be
// built on every machine this project runs on; the generators themselves are plain Go packages.
//
//	sdkgen [-lang nodejs,python,go] [-keep go/go.mod,go/go.sum] <schema.json> <outdir>
//
// For each language it empties <outdir>/<lang> (except the files named by -keep, paths relative
// to <outdir>) and writes the generated files there, so resources removed from the schema
// disappear from the SDK. The output depends only on the schema and the pinned pkg/v3 version.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool is the name the generators print in the "do not edit" header of every file.
const tool = "pulumi-codeocean-sdkgen"

var allLanguages = []string{"nodejs", "python", "go"}

// noExternalPackages is the schema loader: this generator handles self-contained schemas only.
// (BindSpec and the Node.js/Python generators call the loader for every package the schema
// references, e.g. a type "/aws/v6.0.0/schema.json#/types/aws:s3:Bucket", or `dependencies`; a nil
// loader makes them panic.)
type noExternalPackages struct{}

func (noExternalPackages) refuse(name string, version *semver.Version) error {
	v := ""
	if version != nil {
		v = " " + version.String()
	}
	return fmt.Errorf("the schema references the external package %q%s; sdkgen only generates "+
		"self-contained schemas (no references to other packages' types or resources)", name, v)
}

func (l noExternalPackages) LoadPackage(pkg string, version *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg, version)
}

func (l noExternalPackages) LoadPackageV2(
	_ context.Context, d *schema.PackageDescriptor,
) (*schema.Package, error) {
	return nil, l.refuse(d.Name, d.Version)
}

func (l noExternalPackages) LoadPackageReference(
	pkg string, version *semver.Version,
) (schema.PackageReference, error) {
	return nil, l.refuse(pkg, version)
}

func (l noExternalPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name, d.Version)
}

var _ schema.ReferenceLoader = noExternalPackages{}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	// A flag set of our own: pkg/v3's dependencies (glog) register theirs on flag.CommandLine.
	flags := flag.NewFlagSet("sdkgen", flag.ExitOnError)
	langs := flags.String("lang", strings.Join(allLanguages, ","), "comma-separated languages to generate")
	keep := flags.String("keep", "", "comma-separated hand-written files to keep, relative to <outdir> (e.g. go/go.mod,go/go.sum)")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "usage: sdkgen [flags] <schema.json> <outdir>\n")
		flags.PrintDefaults()
	}
	_ = flags.Parse(os.Args[1:])
	if flags.NArg() != 2 {
		flags.Usage()
		os.Exit(2)
	}
	schemaPath, outDir := flags.Arg(0), flags.Arg(1)

	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}

	kept, err := parseKeep(*keep)
	if err != nil {
		return err
	}

	var selected []string
	for _, lang := range strings.Split(*langs, ",") {
		lang = strings.TrimSpace(lang)
		if !slices.Contains(allLanguages, lang) {
			return fmt.Errorf("unknown language %q (want some of %s)", lang, strings.Join(allLanguages, ","))
		}
		selected = append(selected, lang)
	}

	for _, lang := range selected {
		// Bind anew for each language: the generators record their language info in the bound
		// package (nodejs.GeneratePackage replaces pkg.Language["nodejs"]).
		pkg, err := bind(spec, schemaPath)
		if err != nil {
			return err
		}
		var files map[string][]byte
		switch lang {
		case "nodejs":
			files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, noExternalPackages{})
		case "python":
			files, err = python.GeneratePackage(tool, pkg, nil, noExternalPackages{})
			if err == nil {
				addPythonReadme(files)
			}
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		}
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", lang, err)
		}
		if err := write(outDir, lang, files, kept); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "sdkgen: wrote %d files to %s\n", len(files), filepath.Join(outDir, lang))
	}
	return nil
}

func bind(spec schema.PackageSpec, schemaPath string) (*schema.Package, error) {
	pkg, diags, err := schema.BindSpec(spec, noExternalPackages{}, schema.ValidationOptions{})
	for _, d := range diags {
		fmt.Fprintf(os.Stderr, "sdkgen: %s: %v\n", schemaPath, d)
	}
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not bind (%d diagnostics above)", schemaPath, len(diags))
	}
	return pkg, nil
}

// addPythonReadme copies the package's README.md (<package>/README.md) next to pyproject.toml /
// setup.py, which name ./README.md as the long description: the generator writes only the first
// one, and a build without the second warns "File '.../README.md' cannot be found" and publishes an
// empty description (bridged providers' Makefiles copy one in before building).
func addPythonReadme(files map[string][]byte) {
	if _, ok := files["README.md"]; ok {
		return
	}
	var readmes []string
	for p := range files {
		if dir, base := path.Split(p); base == "README.md" && dir != "" && strings.Count(dir, "/") == 1 {
			readmes = append(readmes, p)
		}
	}
	if len(readmes) == 1 {
		files["README.md"] = files[readmes[0]]
	}
}

// parseKeep turns "go/go.mod, go/go.sum" into a set of clean slash paths relative to <outdir>.
func parseKeep(list string) (map[string]bool, error) {
	kept := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		clean := filepath.ToSlash(filepath.Clean(p))
		if filepath.IsAbs(p) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("-keep %q: want a path relative to <outdir>, inside it", p)
		}
		kept[clean] = true
	}
	return kept, nil
}

// write empties <outDir>/<lang> except the kept files, then writes the generated files in a
// fixed order with fixed modes. A kept file wins over a generated file of the same path.
func write(outDir, lang string, files map[string][]byte, kept map[string]bool) error {
	root := filepath.Join(outDir, lang)
	if _, err := os.Stat(filepath.Join(root, ".git")); err == nil {
		return fmt.Errorf("%s holds a .git: refusing to empty it", root)
	}
	if err := clean(outDir, root, kept); err != nil {
		return err
	}

	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		rel := filepath.ToSlash(filepath.Join(lang, p))
		if strings.HasPrefix(filepath.Clean(p), "..") || filepath.IsAbs(p) {
			return fmt.Errorf("the %s generator produced a path outside its folder: %q", lang, p)
		}
		if kept[rel] {
			fmt.Fprintf(os.Stderr, "sdkgen: keeping hand-written %s over the generated one\n", rel)
			continue
		}
		dest := filepath.Join(outDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dest, files[p], 0o644); err != nil {
			return err
		}
		// The same mode whatever the umask.
		if err := os.Chmod(dest, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// clean removes every file under root that is not kept, then every directory left empty.
func clean(outDir, root string, kept map[string]bool) error {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			if p != root {
				dirs = append(dirs, p)
			}
			return nil
		}
		rel, err := filepath.Rel(outDir, p)
		if err != nil {
			return err
		}
		if kept[filepath.ToSlash(rel)] {
			return nil
		}
		return os.Remove(p)
	})
	if err != nil {
		return err
	}
	// Deepest first; a directory still holding a kept file stays.
	for i := len(dirs) - 1; i >= 0; i-- {
		if entries, err := os.ReadDir(dirs[i]); err == nil && len(entries) == 0 {
			if err := os.Remove(dirs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
