// go-program drives the Go SDK (sdk/go/codeocean) through the Pulumi Automation API with an
// inline program: no Go language host is needed, the program runs in this process. One
// command per run, against a stack kept in a local file backend, so that a test can look at
// the Code Ocean emulator between the steps:
//
//	go-program up       creates an external (S3-sourced) data asset and attaches it to a capsule
//	go-program preview  previews again and fails unless nothing would change
//	go-program destroy  destroys the stack (the asset is archived, the attachment detached)
//
// Each command prints one JSON line on stdout: {"command", "changes", "outputs"}; the engine's
// progress goes to stderr. Settings come from the environment:
//
//	CODEOCEAN_DOMAIN, CODEOCEAN_API_TOKEN  the deployment (the emulator's URL and token)
//	CODEOCEAN_CAPSULE_ID                   the capsule to attach to
//	GO_PROGRAM_WORK_DIR                    the workspace: Pulumi.yaml, the backend, PULUMI_HOME
//	CODEOCEAN_PLUGIN_DIR                   optional: the folder of pulumi-resource-codeocean,
//	                                       named as a project plugin (else the engine finds it on PATH)
//
// The Pulumi CLI must be on PATH.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/codeocean/pulumi-codeocean/sdk/go/codeocean"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const projectName = "codeocean-go-sdk"

// program is what a user of the Go SDK writes.
func program(capsuleID string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		reads, err := codeocean.NewDataAsset(ctx, "reads", &codeocean.DataAssetArgs{
			Name:  pulumi.String("RNA reads (Go SDK)"),
			Mount: pulumi.String("reads"),
			Tags:  pulumi.StringArray{pulumi.String("rna"), pulumi.String("go-sdk")},
			Source: &codeocean.DataAssetSourceArgs{
				Aws: &codeocean.AwsSourceArgs{
					Bucket:                pulumi.String("acme-rna-reads"),
					Prefix:                pulumi.String("runs/"),
					KeepOnExternalStorage: pulumi.Bool(true),
				},
			},
		})
		if err != nil {
			return err
		}
		attachment, err := codeocean.NewCapsuleAttachment(ctx, "reads-on-capsule", &codeocean.CapsuleAttachmentArgs{
			DataAssetId: reads.ID().ToStringOutput(),
			CapsuleId:   pulumi.String(capsuleID),
		})
		if err != nil {
			return err
		}
		ctx.Export("dataAssetId", reads.ID())
		ctx.Export("state", reads.State)
		ctx.Export("external", reads.External)
		ctx.Export("attachmentMount", attachment.Mount)
		ctx.Export("attachmentReady", attachment.Ready)
		return nil
	}
}

type report struct {
	Command string                 `json:"command"`
	Changes map[string]int         `json:"changes"`
	Outputs map[string]interface{} `json:"outputs,omitempty"`
}

func changes[K ~string](m map[K]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "go-program: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

func run(command string) (report, error) {
	ctx := context.Background()
	workDir := env("GO_PROGRAM_WORK_DIR")
	backend := filepath.Join(workDir, "backend")
	if err := os.MkdirAll(backend, 0o755); err != nil {
		return report{}, err
	}
	project := workspace.Project{
		Name:    tokens.PackageName(projectName),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: "file://" + backend},
	}
	if dir := os.Getenv("CODEOCEAN_PLUGIN_DIR"); dir != "" {
		project.Plugins = &workspace.Plugins{
			Providers: []workspace.PluginOptions{{Name: "codeocean", Path: dir}},
		}
	}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", projectName, program(env("CODEOCEAN_CAPSULE_ID")),
		auto.WorkDir(workDir),
		auto.Project(project),
		auto.PulumiHome(filepath.Join(workDir, "home")),
		auto.EnvVars(map[string]string{
			"PULUMI_CONFIG_PASSPHRASE":                    "correct horse battery staple",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		}),
	)
	if err != nil {
		return report{}, err
	}
	if err := stack.SetAllConfig(ctx, auto.ConfigMap{
		"codeocean:domain": {Value: env("CODEOCEAN_DOMAIN")},
		"codeocean:token":  {Value: env("CODEOCEAN_API_TOKEN"), Secret: true},
		// The emulator's assets are ready in a fraction of a second.
		"codeocean:minPollIntervalSeconds": {Value: "0.1"},
	}); err != nil {
		return report{}, err
	}

	switch command {
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr))
		if err != nil {
			return report{}, err
		}
		outputs := map[string]interface{}{}
		for k, v := range res.Outputs {
			outputs[k] = v.Value
		}
		return report{command, changes(*res.Summary.ResourceChanges), outputs}, nil
	case "preview":
		res, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stderr))
		if err != nil {
			return report{}, err
		}
		r := report{Command: command, Changes: changes(res.ChangeSummary)}
		for op, n := range res.ChangeSummary {
			if op != apitype.OpSame && n > 0 {
				return r, fmt.Errorf("the preview after up is not empty: %v", r.Changes)
			}
		}
		return r, nil
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			return report{}, err
		}
		return report{command, changes(*res.Summary.ResourceChanges), nil}, nil
	}
	return report{}, fmt.Errorf("unknown command %q (want up, preview or destroy)", command)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-program up|preview|destroy")
		os.Exit(2)
	}
	r, err := run(os.Args[1])
	if r.Command != "" {
		line, _ := json.Marshal(r)
		fmt.Println(string(line))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-program: %v\n", err)
		os.Exit(1)
	}
}
