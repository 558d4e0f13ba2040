# The sample module that `make run` serves (registry/terraform/wharf/hello/null/1.0.0.tar.gz).
# It needs no provider, so `terraform init` installs it without reaching the internet.

variable "name" {
  description = "Who to greet."
  type        = string
  default     = "operator"
}

output "greeting" {
  description = "The greeting, addressed to var.name."
  value       = "Hello, ${var.name}, from a module served by wharf."
}
