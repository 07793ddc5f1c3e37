"""Reading SAM and CloudFormation templates into drafts of a workload, for `init --from`."""
