/** The package version, sent as `User-Agent: pulumi-codeocean/<version>`. A unit test keeps it equal to package.json's. */
export const VERSION = "0.3.0";
