#!/usr/bin/env bash
# One clear sentence per missing prerequisite, instead of a stack trace later.
# Usage: check-prereqs.sh python|node|java ...
set -u
PYTHON=${PYTHON:-python3}
status=0
for what in "$@"; do
  case "$what" in
    python)
      if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Passerelle needs Python 3.11 or newer with venv: install it (e.g. 'apt-get install python3 python3-venv') or set PYTHON=/path/to/python3.11." >&2
        status=1
      fi ;;
    node)
      if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "Passerelle needs Node.js 20 or newer with npm (for the packages of DynamoDB Local and the local S3): install it (e.g. 'apt-get install nodejs npm')." >&2
        status=1
      elif ! node -e 'process.exit(parseInt(process.versions.node) < 20 ? 1 : 0)'; then
        echo "Passerelle needs Node.js 20 or newer: this machine has $(node --version)." >&2
        status=1
      fi ;;
    java)
      major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
      if [ -z "$major" ] || [ "$major" -lt 17 ]; then
        echo "Passerelle needs Java 17 or newer to run DynamoDB Local: install a JDK (e.g. 'apt-get install openjdk-17-jdk-headless')." >&2
        status=1
      elif ! command -v javac >/dev/null 2>&1; then
        # devstack/LoopbackDynamoDBLocal.java keeps DynamoDB Local on 127.0.0.1: it is compiled at start.
        echo "Passerelle needs javac (a JDK, not only a JRE) to keep DynamoDB Local on 127.0.0.1: install one (e.g. 'apt-get install openjdk-17-jdk-headless')." >&2
        status=1
      fi ;;
  esac
done
exit $status
