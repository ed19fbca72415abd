// Code Ocean data assets — imported from S3 or GCS, captured from runs or Cloud Workstations, shared, archived — and their attachments to capsules and pipelines.
package codeocean
