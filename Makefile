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
	lib/bench.c \
	lib/board.c \
	lib/boardfmt.c \
	lib/buf.c \
	lib/card.c \
	lib/celltext.c \
	lib/cli.c \
	lib/commit.c \
	lib/diff.c \
	lib/download.c \
	lib/escape.c \
	lib/evallog.c \
	lib/eval/backend.c \
	lib/eval/backend_cpu.c \
	lib/eval/config.c \
	lib/eval/cpuops.c \
	lib/eval/lm.c \
	lib/eval/metrics.c \
	lib/eval/model.c \
	lib/eval/prompt.c \
	lib/eval/pyrandom.c \
	lib/eval/pytext.c \
	lib/eval/pytext_data.c \
	lib/eval/scorer.c \
	lib/eval/tasks.c \
	lib/eval/regex.c \
	lib/eval/safetensors.c \
	lib/eval/tok_bpe.c \
	lib/eval/tok_load.c \
	lib/eval/tok_text.c \
	lib/eval/tokenizer.c \
	lib/eval/unicode.c \
	lib/eval/unicode_data.c \
	lib/evaltable.c \
	lib/frontmatter.c \
	lib/fsutil.c \
	lib/hfcache.c \
	lib/hfenv.c \
	lib/htmltable.c \
	lib/http.c \
	lib/hub.c \
	lib/inflate.c \
	lib/input.c \
	lib/label.c \
	lib/mdtable.c \
	lib/modelindex.c \
	lib/msg.c \
	lib/ndjson.c \
	lib/num.c \
	lib/pyjson.c \
	lib/rec.c \
	lib/repoid.c \
	lib/sha.c \
	lib/tgrid.c \
	lib/utf8.c \
	lib/xalloc.c \
	lib/yamledit.c \
	lib/yamlin.c \
	lib/yamlout.c \
	lib/zipdir.c \
	lib/zstdec.c

FILTERS = \
	aa-import \
	eval-gpu \
	hf-fetch \
	leaderboard \
	logs2json \
	merge-index \
	pr-open \
	recs \
	tables2json \
	yaml-emit

UNIT_TESTS = \
	tests/unit/test_bench \
	tests/unit/test_board \
	tests/unit/test_boardfmt \
	tests/unit/test_buf \
	tests/unit/test_celltext \
	tests/unit/test_commit \
	tests/unit/test_config \
	tests/unit/test_cpuops \
	tests/unit/test_diff \
	tests/unit/test_escape \
	tests/unit/test_evaltable \
	tests/unit/test_frontmatter \
	tests/unit/test_htmltable \
	tests/unit/test_label \
	tests/unit/test_mdtable \
	tests/unit/test_model \
	tests/unit/test_modelindex \
	tests/unit/test_ndjson \
	tests/unit/test_num \
	tests/unit/test_pyjson \
	tests/unit/test_safetensors \
	tests/unit/test_sha \
	tests/unit/test_tokenizer \
	tests/unit/test_utf8 \
	tests/unit/test_yamledit \
	tests/unit/test_yamlin \
	tests/unit/test_yamlout

# lib/benchmarks.tsv and lib/metrics.tsv are compiled in as generated C tables.
BENCH_DATA = $(O)/lib/bench_data.c
# Test programs (not filters) that the shell tests drive.
TEST_TOOLS = \
	tests/lmeval/pyrandom-dump \
	tests/tokenizer/tok-encode \
	tests/unit/ziptool

LIB_OBJ = $(LIB_SRC:%.c=$(O)/%.o) $(BENCH_DATA:.c=.o)
LIBA    = $(O)/lib/libevalpipe.a
BINS    = $(FILTERS:%=$(BIN)/%)
UNITS   = $(UNIT_TESTS:%=$(O)/%)
TOOLS   = $(TEST_TOOLS:%=$(O)/%)

# Per-binary libraries (the "pledge" rule: only what a filter needs).
LIBS_common = -ljansson -lm
LIBS_hf-fetch = -lcurl -lyaml
LIBS_pr-open = -lcurl
LIBS_aa-import = -lcurl
LIBS_eval-gpu = $(EVAL_LIBS)
LIBS_leaderboard =
LIBS_yaml-emit = -lyaml
LIBS_unit_test_yamlin = -lyaml
LIBS_CMARK = -lcmark-gfm -lcmark-gfm-extensions
LIBS_tables2json = $(LIBS_CMARK)
LIBS_unit_test_mdtable = $(LIBS_CMARK)
LIBS_unit_test_evaltable = $(LIBS_CMARK)
LIBS_unit_test_yamledit = -lyaml
LIBS_unit_test_yamlout = -lyaml
LIBS_unit_test_boardfmt = -lcmark-gfm -lcmark-gfm-extensions

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

$(BENCH_DATA): lib/benchmarks.tsv lib/metrics.tsv lib/benchgen.sh
	@mkdir -p $(@D)
	sh lib/benchgen.sh lib/benchmarks.tsv lib/metrics.tsv >$@.tmp && mv -f $@.tmp $@

$(BENCH_DATA:.c=.o): $(BENCH_DATA)
	$(CC) $(EP_CPPFLAGS) $(EP_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN)/%: $(O)/filters/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(LIBS_$*) $(LIBS_common)

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(LIBA)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(LIBS_unit_$*) $(LIBS_common)

$(O)/tests/tokenizer/%: $(O)/tests/tokenizer/%.o $(LIBA)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(LIBS_common)

$(O)/tests/lmeval/%: $(O)/tests/lmeval/%.o $(LIBA)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(EVAL_LIBS) $(LIBS_common)

$(O)/tests/bench/%: $(O)/tests/bench/%.o $(LIBA)
	$(CC) $(EP_LDFLAGS) -o $@ $< $(LIBA) $(EVAL_LIBS) $(LIBS_common)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# ----------------------------------------------------------------- tests
TEST_ENV = EP_BIN=$(abspath $(BIN)) EP_UNIT=$(abspath $(O)/tests/unit) EP_PYTHON=$(abspath $(PYTHON)) \
	EP_TESTBIN=$(abspath $(O)/tests) EP_SANITIZE=$(SANITIZE)

check: deps all $(UNITS) $(TOOLS)
	@sh tests/check-src.sh
	@sh tests/check-links.sh $(BIN)
	@$(TEST_ENV) sh tests/run.sh

check-unit: $(UNITS)
	@$(TEST_ENV) sh tests/run.sh unit

check-golden: all
	@$(TEST_ENV) UPDATE=$(UPDATE) sh tests/run.sh golden

check-sh: all $(TOOLS)
	@$(TEST_ENV) sh tests/run.sh sh

# Tokenizer exactness against the tokenizers library, and its speed.
check-tokenizer: $(TOOLS)
	@$(TEST_ENV) sh tests/sh/t-tokenizer.sh

bench-tokenizer: $(TOOLS)
	@$(TEST_ENV) sh tests/bench/bench-tokenizer.sh

bench: bench-fetch bench-tables bench-tokenizer bench-forward bench-eval

# eval-gpu vs lm-evaluation-harness: wall time of each oracle task, same rows and model.
bench-eval: all
	@sh tests/bench/bench-eval.sh $(abspath $(BIN)) $(abspath $(PYTHON))

# Re-run lm-eval itself (installed into the venv on demand), rewrite the oracle
# files, then compare eval-gpu with them.
check-lmeval: all
	@$(PYTHON) -c 'import lm_eval' 2>/dev/null || $(PYTHON) -m pip install -q '$(LMEVAL_PIP)'
	HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 $(PYTHON) tests/lmeval/run_lmeval.py
	@$(TEST_ENV) sh tests/sh/t-lmeval.sh

bench-fetch: all
	@EP_BIN=$(abspath $(BIN)) sh tests/bench/bench-fetch.sh $(BENCH_N) $(BENCH_LATENCY)

bench-tables: all
	@EP_BIN=$(abspath $(BIN)) sh tests/bench/bench-tables.sh $(or $(BENCH_CARDS),1000) $(or $(BENCH_REPEAT),20)

check-links: all
	@sh tests/check-links.sh $(BIN)

demo: deps all
	@sh examples/demo.sh

check-src:
	@sh tests/check-src.sh

fmt:
	clang-format -i $(filter-out lib/eval/unicode_data.c,$(LIB_SRC)) $(wildcard lib/*.h lib/eval/*.h) $(FILTERS:%=filters/%.c)

check-fmt:
	clang-format --dry-run --Werror $(LIB_SRC) $(wildcard lib/*.h lib/eval/*.h) $(FILTERS:%=filters/%.c)

# ----------------------------------------------------------------- benchmarks
# bench-forward: scoring tokens/s of the CPU backend on a random ~100M-parameter
# Llama-shaped checkpoint (written by the benchmark itself), then PyTorch on the
# same checkpoint, inputs and thread count when the test venv has torch.
BENCH_MODEL   = build/bench/llama100m
BENCH_ARGS    = --threads 2 --batch 4 --seq 256 --iters 3

bench-forward: $(O)/tests/bench/bench_forward
	@mkdir -p $(dir $(BENCH_MODEL))
	@test -f $(BENCH_MODEL)/model.safetensors || $(O)/tests/bench/bench_forward --make-model $(BENCH_MODEL)
	$(O)/tests/bench/bench_forward $(BENCH_ARGS) $(BENCH_MODEL)
	@if $(PYTHON) -c 'import torch, transformers' 2>/dev/null; then \
		$(PYTHON) tests/bench/bench_torch.py $(BENCH_ARGS) $(BENCH_MODEL); \
	else echo "bench-forward: no torch in $(PYTHON); PyTorch comparison skipped"; fi

# ----------------------------------------------------------------- fuzzing
# libFuzzer targets (clang): make fuzz [FUZZ_TIME=seconds per target]
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_O       = build/fuzz
FUZZ_CC      = clang
FUZZ_FLAGS   = -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
FUZZ_LIBS    = -lcmark-gfm-extensions -lcmark-gfm -lcurl -lyaml -ljansson -lm
FUZZ_TIME   ?= 60

$(FUZZ_O)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(EP_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(FUZZ_O) -name '*.d' 2>/dev/null)

$(FUZZ_O)/libfuzz.a: $(LIB_SRC:%.c=$(FUZZ_O)/%.o) $(FUZZ_O)/$(BENCH_DATA:.c=.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_O)/bin/%: $(FUZZ_O)/tests/fuzz/%.o $(FUZZ_O)/libfuzz.a
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(FUZZ_LIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_O)/bin/%)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_O)/bin $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-tokenizer: $(FUZZ_O)/bin/fuzz_tokenizer
	@sh tests/fuzz/run.sh $(FUZZ_O)/bin $(FUZZ_TIME) fuzz_tokenizer

# ----------------------------------------------------------------- deps
# DEB_OPTIONAL and playwright serve only tests that skip without them (the
# leaderboard page in headless Chromium): failing to install them is a warning.
DEB_OPTIONAL = chromium
DEB_PKGS = build-essential pkg-config libcurl4-openssl-dev libjansson-dev libyaml-dev \
	libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev python3 python3-venv curl \
	$(DEB_OPTIONAL)
PIP_PKGS = huggingface_hub tokenizers playwright zstandard zipfile-zstd
# The oracle of eval-gpu (make check-lmeval); make check runs without it.
LMEVAL_PIP = lm-eval[hf]==0.4.13

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		APT="$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get"; \
		$$APT update -qq || exit 1; \
		if ! $$APT install -y -qq $$missing >/dev/null; then \
			required=$$(for p in $$missing; do \
				case " $(DEB_OPTIONAL) " in *" $$p "*) ;; *) echo $$p ;; esac; done); \
			echo "deps: warning: could not install $(DEB_OPTIONAL); the tests that need it will skip"; \
			[ -z "$$required" ] || $$APT install -y -qq $$required >/dev/null || exit 1; \
		fi; \
	fi
	@if [ ! -x $(PYTHON) ]; then python3 -m venv $(VENV) || exit 1; fi
	@if ! $(PYTHON) -c 'import huggingface_hub, tokenizers, playwright.sync_api, zstandard, zipfile_zstd' 2>/dev/null; then \
		echo "deps: pip install $(PIP_PKGS)"; \
		$(PYTHON) -m pip install -q $(PIP_PKGS) || \
		echo "deps: warning: could not install $(PIP_PKGS); the tests that need them will skip"; \
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

.PHONY: fuzz fuzz-build fuzz-tokenizer demo bench bench-fetch bench-forward bench-tables all check check-unit check-golden check-sh check-links check-src fmt check-fmt deps \
	install uninstall clean check-tokenizer bench-tokenizer bench-eval check-lmeval
.SECONDARY:
