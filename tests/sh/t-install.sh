#!/bin/sh
# make install puts every filter and its man page under PREFIX (and DESTDIR).
. "$(dirname "$0")/../lib.sh"

test_expect_success 'make install PREFIX=... installs binaries and man pages' '
	make -s -C "$TOP" install PREFIX="$TMP/prefix" >log 2>&1 &&
	for f in $(sed -n "/^FILTERS = /,/^$/p" "$TOP/Makefile" | tr -d "\\\\" | sed "1s/.*=//"); do
		test -x "$TMP/prefix/bin/$f" && test -f "$TMP/prefix/share/man/man1/$f.1" || return 1
		"$TMP/prefix/bin/$f" --version >v && test_grep "(evalpipe)" v || return 1
	done
'

test_expect_success 'DESTDIR stages the same tree' '
	make -s -C "$TOP" install DESTDIR="$TMP/stage" PREFIX=/usr >log 2>&1 &&
	test -x "$TMP/stage/usr/bin/hf-fetch" && test -f "$TMP/stage/usr/share/man/man1/hf-fetch.1"
'

test_done
