#!/bin/sh
# Banned and discouraged calls in lib/ and filters/ (STYLE §15, like curl's checksrc).
# Only lib/ndjson.c and the --help/--version code of filters may write to stdout.
cd "$(dirname "$0")/.." || exit 2
status=0
banned='\<(gets|sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atof|sscanf|system|popen)[[:space:]]*\('
files=$(find lib filters -name '*.c' -o -name '*.h' -o -name '*.cu' | sort)
if grep -nE "$banned" $files; then
	echo "check-src: banned function (see STYLE.md §15)" >&2
	status=1
fi
# stdout writers outside ndjson.c: allowed only on lines that print usage or the version.
if grep -nE '\<(printf|puts)[[:space:]]*\(|fputs\(.*stdout' $files | grep -v '^lib/ndjson.c:' |
	grep -vE 'usage|VERSION|fputs\(usage_text, stdout\)'; then
	echo "check-src: stdout is written only through lib/ndjson (and --help/--version)" >&2
	status=1
fi
[ $status = 0 ] && echo "check-src: ok ($(echo "$files" | wc -l) files)"
exit $status
