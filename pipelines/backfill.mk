# backfill.mk — model-index metadata from the benchmark tables of model cards,
# one pull request per repo.
#
#   make -f pipelines/backfill.mk REPOS=repos.txt [OUT=backfill] [JOBS=8] -j8
#   make -f pipelines/backfill.mk AUTHOR=org [SEARCH=text] [FILTER=tag] -j8
#   ... PUBLISH=1            open the pull requests (default: dry runs, nothing written)
#
# Per repo: hf-fetch card | tables2json | merge-index | yaml-emit | pr-open.
# Cards are fetched afresh on every run (reads only); each repo's card goes to
# $(OUT)/cards/ORG--NAME.ndjson, rewritten only when the card changed, and the
# repo's result $(OUT)/<mode>/ORG--NAME.ndjson depends on it: a rerun does
# nothing for unchanged repos, and resumes where a crash or kill stopped.
# Results are written to $@.tmp and renamed, so no half-written file survives.
# The run ends with $(OUT)/summary.json and $(OUT)/errors.ndjson.

SHELL       := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS   += --warn-undefined-variables --no-builtin-rules --no-print-directory

THIS     := $(lastword $(MAKEFILE_LIST))
EVALPIPE ?= $(abspath $(dir $(THIS))..)
BIN      ?= $(EVALPIPE)/bin
OUT      ?= backfill
JOBS     ?= 8
REPOS    ?=
AUTHOR   ?=
SEARCH   ?=
FILTER   ?=
PUBLISH  ?=
TABLES_FLAGS ?=
MERGE_FLAGS  ?=
EMIT_FLAGS   ?=
PR_FLAGS     ?=

MODE     := $(if $(PUBLISH),published,dry-run)
PR_MODE  := $(if $(PUBLISH),,--dry-run)
LIST_ARGS := $(if $(AUTHOR),--author $(AUTHOR)) $(if $(SEARCH),--search $(SEARCH)) \
	$(if $(FILTER),--filter $(FILTER))

all: cards
	@$(MAKE) -f $(THIS) results OUT=$(OUT) PUBLISH=$(PUBLISH)

# ---------------------------------------------------------------- stage 1: cards
.PHONY: all cards results FORCE

$(OUT)/repos.txt: FORCE
	@mkdir -p $(@D)
ifneq ($(REPOS),)
	cp $(REPOS) $@.tmp
else ifneq ($(strip $(LIST_ARGS)),)
	$(BIN)/hf-fetch list $(LIST_ARGS) >$@.tmp
else
	$(error give REPOS=file, or AUTHOR=/SEARCH=/FILTER= to list repos)
endif
	mv -f $@.tmp $@

# Errors of the fetch (missing, gated repos) are kept for the summary.
cards: $(OUT)/repos.txt
	$(BIN)/hf-fetch -q -j $(JOBS) card <$< | \
		$(BIN)/recs split --kind card --dir $(OUT)/cards --list $(OUT)/cards.list.tmp \
		>$(OUT)/fetch.ndjson.tmp || [ $$? -eq 1 ]
	mv -f $(OUT)/fetch.ndjson.tmp $(OUT)/fetch.ndjson
	mv -f $(OUT)/cards.list.tmp $(OUT)/cards.list

# ---------------------------------------------------------------- stage 2: per repo
CARDS   := $(if $(wildcard $(OUT)/cards.list),$(shell cat $(OUT)/cards.list))
RESULTS := $(patsubst $(OUT)/cards/%,$(OUT)/$(MODE)/%,$(CARDS))

results: $(OUT)/summary.json

# A repo's failure is an error record in its result (status 1), not a failed
# target; any stage exiting 2 (usage, write error) fails the target.
$(OUT)/$(MODE)/%.ndjson: $(OUT)/cards/%.ndjson
	@mkdir -p $(@D)
	$(BIN)/tables2json $(TABLES_FLAGS) $< | $(BIN)/merge-index $(MERGE_FLAGS) | \
		$(BIN)/yaml-emit $(EMIT_FLAGS) | $(BIN)/pr-open -q $(PR_MODE) $(PR_FLAGS) >$@.tmp || \
		{ s=("$${PIPESTATUS[@]}"); for x in "$${s[@]}"; do [ $$x -le 1 ] || exit $$x; done; }
	mv -f $@.tmp $@

$(OUT)/summary.json: $(RESULTS) $(OUT)/fetch.ndjson FORCE
	cat $(RESULTS) $(OUT)/fetch.ndjson | $(BIN)/recs summary >$@.tmp
	cat $(RESULTS) $(OUT)/fetch.ndjson | { grep '^{"kind":"error"' || true; } >$(OUT)/errors.ndjson
	mv -f $@.tmp $@
	@cat $@
