/*
 * hfenv — the Hugging Face environment conventions, read in one place:
 * HF_ENDPOINT, HF_HOME, HF_HUB_CACHE, HF_TOKEN (and the token file),
 * HF_HUB_OFFLINE, HF_DATASETS_SERVER. Every function returns a new heap
 * string the caller frees (or NULL where documented).
 */
#ifndef EVALPIPE_HFENV_H
#define EVALPIPE_HFENV_H

#include <stdbool.h>

#define HFENV_DEFAULT_ENDPOINT "https://huggingface.co"
#define HFENV_DEFAULT_VIEWER "https://datasets-server.huggingface.co"

/* $HF_ENDPOINT without trailing slashes, default https://huggingface.co. */
char *hfenv_endpoint(void);
/* $HF_DATASETS_SERVER without trailing slashes, default the public dataset viewer. */
char *hfenv_viewer(void);
/* $HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface. */
char *hfenv_home(void);
/* $HF_HUB_CACHE, else $HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub. */
char *hfenv_hub_cache(void);
/*
 * The token: $HF_TOKEN, else $HUGGING_FACE_HUB_TOKEN, else the file
 * $HF_TOKEN_PATH (default $HF_HOME/token); CR/LF and surrounding spaces
 * removed; NULL when there is none or it is empty.
 */
char *hfenv_token(void);
/* $HF_HUB_OFFLINE (or $TRANSFORMERS_OFFLINE) is 1/ON/YES/TRUE, any case. */
bool hfenv_offline(void);

#endif
