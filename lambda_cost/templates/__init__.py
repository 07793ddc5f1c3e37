"""Reading SAM/CloudFormation templates, Terraform plans and configurations, and Serverless Framework services
into drafts of a workload, for `init --from`."""
