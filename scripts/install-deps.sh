#!/usr/bin/env bash
# Installs what Kura needs on a Debian 12 machine (run as root). Safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
# Packages the control plane, drivers and tests use. dotnet and kubectl come from their vendors'
# repositories, which must already be configured; Debian packages come from Debian.
# runc runs pods; busybox-static builds the test images; docker-registry and skopeo serve and push
# them for the image pull tests.
# nbdkit, libnbd-bin (nbdinfo, nbdfuse), qemu-utils and fio are the NBD peers and test clients.
for pkg in ca-certificates util-linux e2fsprogs xfsprogs mount sqlite3 runc busybox-static docker-registry skopeo \
           nbdkit libnbd-bin qemu-utils fio; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "install-deps: apt-get install ${need[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: installing the .NET 10 SDK" >&2
  apt-get update -qq
  if ! apt-get install -y -qq dotnet-sdk-10.0 >/dev/null; then
    echo "install-deps: the .NET 10 SDK is not available from the configured apt sources." >&2
    echo "              Add Microsoft's package repository for Debian 12, then run this again." >&2
    exit 1
  fi
fi

if ! command -v kubectl >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq kubectl >/dev/null 2>&1 || {
    echo "install-deps: kubectl is not installed and not available from the configured apt sources;" >&2
    echo "              Kura works without it, but install kubectl v1.32 to use the kura context." >&2
  }
fi
