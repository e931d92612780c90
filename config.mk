# evalpipe build configuration: override on the command line or in config.mak.
VERSION  = 0.1.0
PREFIX   = /usr/local
BINPREFIX = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=

# OpenMP for the evaluation engine's CPU loops; OPENMP= builds without it.
OPENMP  ?= -fopenmp

# CUDA: found automatically (nvcc on PATH); NVCC= (empty) builds CPU only.
NVCC    ?= $(shell command -v nvcc 2>/dev/null)
CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(NVCC))

# Python used by the tests (oracles, the local test hub); make deps creates it.
VENV    = .venv
PYTHON  = $(VENV)/bin/python3
