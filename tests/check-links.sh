#!/bin/sh
# Each filter links only the libraries it needs (STYLE §11): look for symbols
# of libraries a filter must not use.
BIN=${1:-bin}
status=0
# filter  pattern of symbols it must NOT reference
rules='
hf-fetch	^(cmark_|cublas|cuda|yaml_emitter_)
tables2json	^(curl_|cublas|cuda|yaml_)
merge-index	^(curl_|cmark_|cublas|cuda)
yaml-emit	^(curl_|cmark_|cublas|cuda)
pr-open	^(cmark_|cublas|cuda)
aa-import	^(cmark_|cublas|cuda|yaml_)
logs2json	^(curl_|cmark_|cublas|cuda|yaml_)
leaderboard	^(curl_|cmark_|cublas|cuda)
eval-gpu	^(curl_|cmark_|yaml_)
'
echo "$rules" | while IFS='	' read -r prog pat; do
	[ -n "$prog" ] && [ -x "$BIN/$prog" ] || continue
	bad=$(nm -u "$BIN/$prog" | awk '{print $NF}' | sed 's/@.*//' | grep -E "$pat")
	if [ -n "$bad" ]; then
		echo "check-links: $prog uses $(echo $bad | head -c 200)" >&2
		exit 1
	fi
	echo "check-links: $prog ok"
done || status=1
exit $status
