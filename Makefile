# evalpipe — one non-recursive Makefile.
#   make            build every filter into bin/
#   make check      run the tests (ends with "N passed, N failed")
#   make deps       install the system packages and the test Python env
#   make DEVELOPER=1      warnings as errors      make SANITIZE=address,undefined
include config.mk
-include config.mak

# ----------------------------------------------------------------- variants
# A sanitizer build lives in its own tree so it never mixes with a plain one.
ifdef SANITIZE
O        = build/san
CFLAGS  := -O1 -g
EP_SAN   = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
else
O        = build/default
EP_SAN   =
endif
BIN      = $(if $(SANITIZE),$(O)/bin,bin)

WARN     = -Wall -Wextra
ifdef DEVELOPER
WARN    += -Wformat=2 -Wformat-security -Wstrict-prototypes -Wmissing-prototypes \
           -Wold-style-definition -Wpointer-arith -Wvla -Wwrite-strings -Wshadow \
           -fno-common -Werror
endif

EP_CPPFLAGS = -I. -DEVALPIPE_VERSION='"$(VERSION)"' -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
EP_CFLAGS   = -std=c11 $(WARN) $(CFLAGS) $(EP_SAN) -MMD -MP
EP_LDFLAGS  = $(LDFLAGS) $(EP_SAN)

# ----------------------------------------------------------------- sources
LIB_SRC = \
	lib/buf.c \
	lib/eval/backend.c \
	lib/eval/backend_cpu.c \
	lib/eval/config.c \
	lib/eval/cpuops.c \
	lib/eval/model.c \
	lib/eval/safetensors.c \
	lib/msg.c \
	lib/ndjson.c \
	lib/num.c \
	lib/rec.c \
	lib/utf8.c \
	lib/xalloc.c

FILTERS =

UNIT_TESTS = \
	tests/unit/test_buf \
	tests/unit/test_config \
	tests/unit/test_cpuops \
	tests/unit/test_model \
	tests/unit/test_safetensors \
	tests/unit/test_ndjson \
	tests/unit/test_num \
	tests/unit/test_utf8

LIB_OBJ = $(LIB_SRC:%.c=$(O)/%.o)
LIBA    = $(O)/lib/libevalpipe.a
BINS    = $(FILTERS:%=$(BIN)/%)
UNITS   = $(UNIT_TESTS:%=$(O)/%)

# Per-binary libraries (the "pledge" rule: only what a filter needs).
LIBS_common = -ljansson -lm

# The evaluation engine (lib/eval/): OpenBLAS for GEMM, OpenMP (optional,
# OPENMP= to leave it out) for its row loops. Only eval code links them.
# The CUDA backend is built when nvcc and lib/eval/backend_cuda.cu both exist.
EVAL_LIBS     = -lopenblas $(OPENMP)
EVAL_CUDA     = $(if $(NVCC),$(wildcard lib/eval/backend_cuda.cu))
EVAL_CPPFLAGS = $(if $(EVAL_CUDA),,-DEVALPIPE_NO_CUDA)
$(O)/lib/eval/%.o: EP_CPPFLAGS += $(EVAL_CPPFLAGS)
$(O)/lib/eval/%.o: EP_CFLAGS += $(OPENMP)
LIBS_unit_test_cpuops = $(EVAL_LIBS)
LIBS_unit_test_model  = $(EVAL_LIBS)

# ----------------------------------------------------------------- rules
all: $(BINS)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(EP_CPPFLAGS) $(EP_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN)/%: $(O)/filters/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(LIBS_$*) $(LIBS_common)

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(LIBA)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(LIBS_unit_$*) -lcurl -lyaml $(LIBS_common)

$(O)/tests/bench/%: $(O)/tests/bench/%.o $(LIBA)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(EVAL_LIBS) $(LIBS_common)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# ----------------------------------------------------------------- tests
TEST_ENV = EP_BIN=$(abspath $(BIN)) EP_UNIT=$(abspath $(O)/tests/unit) EP_PYTHON=$(abspath $(PYTHON))

check: deps all $(UNITS)
	@$(TEST_ENV) sh tests/run.sh

check-unit: $(UNITS)
	@$(TEST_ENV) sh tests/run.sh unit

check-golden: all
	@$(TEST_ENV) UPDATE=$(UPDATE) sh tests/run.sh golden

check-sh: all
	@$(TEST_ENV) sh tests/run.sh sh

check-links: all
	@sh tests/check-links.sh $(BIN)

check-src:
	@sh tests/check-src.sh

fmt:
	clang-format -i $(LIB_SRC) $(wildcard lib/*.h lib/eval/*.h) $(FILTERS:%=filters/%.c)

check-fmt:
	clang-format --dry-run --Werror $(LIB_SRC) $(wildcard lib/*.h lib/eval/*.h) $(FILTERS:%=filters/%.c)

# ----------------------------------------------------------------- benchmarks
# bench-forward: scoring tokens/s of the CPU backend on a random ~100M-parameter
# Llama-shaped checkpoint (written by the benchmark itself), then PyTorch on the
# same checkpoint, inputs and thread count when the test venv has torch.
BENCH_MODEL   = build/bench/llama100m
BENCH_ARGS    = --threads 2 --batch 4 --seq 256 --iters 3

bench: bench-forward

bench-forward: $(O)/tests/bench/bench_forward
	@mkdir -p $(dir $(BENCH_MODEL))
	@test -f $(BENCH_MODEL)/model.safetensors || $(O)/tests/bench/bench_forward --make-model $(BENCH_MODEL)
	$(O)/tests/bench/bench_forward $(BENCH_ARGS) $(BENCH_MODEL)
	@if $(PYTHON) -c 'import torch, transformers' 2>/dev/null; then \
		$(PYTHON) tests/bench/bench_torch.py $(BENCH_ARGS) $(BENCH_MODEL); \
	else echo "bench-forward: no torch in $(PYTHON); PyTorch comparison skipped"; fi

# ----------------------------------------------------------------- fuzzing
# libFuzzer targets for the parsers of untrusted input (clang only). `make
# fuzz-run` seeds each corpus from the test fixtures and runs FUZZ_TIME seconds.
FUZZ_CC    = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME  = 60
FUZZ_LIB   = lib/buf.c lib/msg.c lib/xalloc.c
FUZZERS    = fuzz_safetensors fuzz_config

build/fuzz/fuzz_safetensors: tests/fuzz/fuzz_safetensors.c lib/eval/safetensors.c $(FUZZ_LIB)
build/fuzz/fuzz_config: tests/fuzz/fuzz_config.c lib/eval/config.c $(FUZZ_LIB)
build/fuzz/%:
	@mkdir -p $(@D)
	$(FUZZ_CC) $(EP_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -o $@ $^ -ljansson -lm

fuzz: $(FUZZERS:%=build/fuzz/%)

fuzz-run: fuzz
	@mkdir -p build/fuzz/corpus-safetensors build/fuzz/corpus-config
	@cp -f tests/eval/fixtures/*/*.safetensors build/fuzz/corpus-safetensors/ 2>/dev/null; \
	for d in tests/eval/fixtures/*/; do cp -f $$d/config.json build/fuzz/corpus-config/$$(basename $$d).json; done
	build/fuzz/fuzz_safetensors -max_total_time=$(FUZZ_TIME) -max_len=65536 build/fuzz/corpus-safetensors
	build/fuzz/fuzz_config -max_total_time=$(FUZZ_TIME) -dict=tests/fuzz/config.dict build/fuzz/corpus-config

# ----------------------------------------------------------------- deps
DEB_PKGS = build-essential pkg-config libcurl4-openssl-dev libjansson-dev libyaml-dev \
	libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev python3 python3-venv curl
PIP_PKGS = huggingface_hub

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
	@if [ ! -x $(PYTHON) ]; then python3 -m venv $(VENV) || exit 1; fi
	@if ! $(PYTHON) -c 'import huggingface_hub' 2>/dev/null; then \
		echo "deps: pip install $(PIP_PKGS)"; \
		$(PYTHON) -m pip install -q $(PIP_PKGS) || \
		echo "deps: warning: could not install $(PIP_PKGS); the oracle tests will skip"; \
	fi

# ----------------------------------------------------------------- install
install: all
	mkdir -p $(DESTDIR)$(BINPREFIX) $(DESTDIR)$(MANPREFIX)/man1
	for f in $(FILTERS); do \
		cp -f bin/$$f $(DESTDIR)$(BINPREFIX)/ && chmod 755 $(DESTDIR)$(BINPREFIX)/$$f; \
		cp -f filters/$$f.1 $(DESTDIR)$(MANPREFIX)/man1/ && chmod 644 $(DESTDIR)$(MANPREFIX)/man1/$$f.1; \
	done

uninstall:
	for f in $(FILTERS); do rm -f $(DESTDIR)$(BINPREFIX)/$$f $(DESTDIR)$(MANPREFIX)/man1/$$f.1; done

clean:
	rm -rf build bin tests/tmp

.PHONY: all check check-unit check-golden check-sh check-links check-src fmt check-fmt deps \
	fuzz fuzz-run bench bench-forward \
	install uninstall clean
.SECONDARY:
