/**
 * The READMEs of the generated SDKs (the schema's `language.<lang>.readme`): the Python
 * package's long description on PyPI, the npm package's README. Their code is checked against
 * the generated SDKs by test/sdk/docs.test.ts.
 */
const DOCS = "https://github.com/codeocean/pulumi-codeocean/blob/main/docs";

const plugin = (version: string) =>
  `## The plugin

The SDK talks to the \`codeocean\` resource plugin, \`pulumi-resource-codeocean\`, which the
Pulumi engine starts. It is a Node.js program (Node.js 20 or later) shipped in the npm package
\`pulumi-codeocean\`: \`npm install -g pulumi-codeocean@${version}\` puts it on \`PATH\`, where the
engine finds it; or name its folder in \`Pulumi.yaml\`:

\`\`\`yaml
plugins:
  providers:
    - name: codeocean
      path: /usr/local/lib/node_modules/pulumi-codeocean/bin # $(npm root -g)/pulumi-codeocean/bin
\`\`\`

## Configuration

\`\`\`sh
pulumi config set codeocean:domain acme.codeocean.com
pulumi config set --secret codeocean:token cop_…
\`\`\`

(or \`CODEOCEAN_DOMAIN\` and \`CODEOCEAN_API_TOKEN\` in the environment). Every resource, input
and setting: [the reference](${DOCS}/reference.md); every language: [${DOCS}/sdks.md](${DOCS}/sdks.md).
`;

export function pythonReadme(description: string, version: string): string {
  return `# pulumi_codeocean

${description}

For Pulumi programs in Python; generated from the package schema of pulumi-codeocean ${version}.

\`\`\`sh
pip install pulumi_codeocean==${version}
\`\`\`

\`\`\`python
import pulumi
import pulumi_codeocean as codeocean

# Files that stay in your S3 bucket (an external data asset), mounted at /data/reads.
reads = codeocean.DataAsset("reads",
    name="RNA reads",
    mount="reads",
    tags=["rna"],
    source=codeocean.DataAssetSourceArgs(
        aws=codeocean.AwsSourceArgs(
            bucket="acme-rna-reads",
            prefix="runs/",
            keep_on_external_storage=True,
        ),
    ))

# Attached to a capsule; pulumi destroy detaches it and archives the asset.
codeocean.CapsuleAttachment("reads-on-capsule",
    data_asset_id=reads.id,
    capsule_id="4367940e-e863-4819-afbd-1b6b9f9b1256")

pulumi.export("data_asset_id", reads.id)
pulumi.export("state", reads.state)
\`\`\`

${plugin(version)}`;
}

export function nodejsReadme(description: string, version: string): string {
  return `# @codeocean/pulumi

${description}

For Pulumi programs in TypeScript and JavaScript; generated from the package schema of
pulumi-codeocean ${version}. (The npm package \`pulumi-codeocean\` also offers the same resources
without the plugin, as dynamic resources.)

\`\`\`sh
npm install @codeocean/pulumi@${version}
\`\`\`

${plugin(version)}`;
}
