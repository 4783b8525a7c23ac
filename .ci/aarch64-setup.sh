#!/usr/bin/env bash
# Installs what the AArch64 lane needs (see docs/aarch64.md), idempotently:
#   qemu-user-static              runs AArch64 binaries (cargo runner)
#   gcc-aarch64-linux-gnu         linker
#   libc6-dev-arm64-cross         arm64 glibc to link against (crt1.o, libc.a; only a
#                                 Recommends of the gcc, so named explicitly)
#   binutils-aarch64-linux-gnu    aarch64-linux-gnu-objdump (reference disassembler)
#   rustc-web + libstd-rust-web-dev:arm64
#                                 Debian's rustc (/usr/bin/rustc) with the arm64 std;
#                                 rustup cannot add the aarch64 target on these machines
# Does nothing (and touches no network) when everything is already there.
# Runs apt as root directly, or through sudo when not root.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
else
  echo "aarch64-setup: not root and no sudo; cannot install packages" >&2
  exit 1
fi

# apt-get with a retry: a fresh machine's first contact with the mirrors is
# the step most likely to fail transiently.
apt_get() {
  local attempt
  for attempt in 1 2 3; do
    if "${as_root[@]}" apt-get -o Dpkg::Use-Pty=0 "$@"; then
      return 0
    fi
    echo "aarch64-setup: apt-get $* failed (attempt $attempt)" >&2
    sleep 5
  done
  return 1
}

pkgs=(
  qemu-user-static
  gcc-aarch64-linux-gnu
  libc6-dev-arm64-cross
  binutils-aarch64-linux-gnu
  rustc-web
  libstd-rust-web-dev:arm64
)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${pkgs[@]}"; do
  # AARCH64_SETUP_FORCE=1 runs the apt steps even when all is installed.
  if [ "${AARCH64_SETUP_FORCE:-0}" = 1 ] || ! installed "$p"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "aarch64-setup: all packages present"
else
  echo "aarch64-setup: installing ${missing[*]}"
  # The arch must be known before the (single) apt-get update so that the
  # arm64 package lists are fetched too.
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    "${as_root[@]}" dpkg --add-architecture arm64
  fi
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Sanity checks: fail here, with a clear message, rather than in the build.
for tool in qemu-aarch64-static aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump /usr/bin/rustc /usr/bin/rustdoc; do
  command -v "$tool" >/dev/null || { echo "aarch64-setup: $tool missing after install" >&2; exit 1; }
done
if [ ! -f /usr/aarch64-linux-gnu/lib/crt1.o ] || [ ! -f /usr/aarch64-linux-gnu/lib/libc.a ]; then
  echo "aarch64-setup: no static arm64 glibc under /usr/aarch64-linux-gnu/lib" >&2
  exit 1
fi
sysroot=$(/usr/bin/rustc --print sysroot)
if ! ls "$sysroot"/lib/rustlib/aarch64-unknown-linux-gnu/lib/libstd-*.rlib >/dev/null 2>&1; then
  echo "aarch64-setup: Debian rustc has no aarch64 std under $sysroot" >&2
  exit 1
fi
echo "aarch64-setup: $(/usr/bin/rustc -V) (Debian), $(qemu-aarch64-static --version | head -n1)"
