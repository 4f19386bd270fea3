# Shared steps of the packed-tarball example tests (scripts/test-app-team-example.sh,
# scripts/test-platform-example.sh); sourced, not run. Expects `root` (the repository) to be set.

# Echoes a folder holding both packages' tarballs: $DAPR_PACKED when set (scripts/test-examples.sh
# packs once for every example), else builds both packages and packs them into <dir>.
packed_tarballs() {
  local dir="$1"
  if [ -n "${DAPR_PACKED:-}" ]; then echo "$DAPR_PACKED"; return; fi
  (cd "$root" && node scripts/build-packages.js) >&2
  mkdir -p "$dir"
  for p in constructs terraform; do
    (cd "$root/packages/$p" && npm pack --silent --pack-destination "$dir" >/dev/null)
  done
  echo "$dir"
}

# install_example <examples/ folder> <copy> <tarball folder> <package>...: copies the example
# (without its build output), puts the named packages' tarballs where its package.json expects them
# (vendor/dapr-platform-<package>.tgz) and installs.
install_example() {
  local source="$1" copy="$2" packed="$3"
  shift 3
  mkdir -p "$copy/vendor"
  (cd "$source" && tar --exclude=./node_modules --exclude=./build --exclude=./dist --exclude=./cdktf.out --exclude=./vendor -cf - .) | (cd "$copy" && tar -xf -)
  for p in "$@"; do cp "$packed"/dapr-platform-"$p"-*.tgz "$copy/vendor/dapr-platform-$p.tgz"; done
  (cd "$copy" && npm install --no-audit --no-fund --prefer-offline --loglevel=error)
}

# require_one_copy <copy> <module>...: one copy of each in the install, or construct trees break
# (the packages take them as peers).
require_one_copy() {
  local copy="$1" m copies
  shift
  for m in "$@"; do
    copies=$(cd "$copy" && find . -path "*/node_modules/$m/package.json" | wc -l)
    if [ "$copies" -ne 1 ]; then
      echo "ERROR: $copies copies of '$m' in $(basename "$copy")'s node_modules; the packages must share the app's (peer dependencies)." >&2
      (cd "$copy" && find . -path "*/node_modules/$m/package.json") >&2
      exit 1
    fi
  done
}

# require_no_terraform <copy>: an app team's install is the app-team package and its peers only.
require_no_terraform() {
  local found
  found=$(cd "$1" && find node_modules -maxdepth 2 \( -name cdktf -o -path 'node_modules/@cdktf/*' -o -path 'node_modules/@dapr-platform/terraform' \) | sort)
  if [ -n "$found" ]; then
    echo "ERROR: installing the app-team package into $(basename "$1") brought the Terraform half:" >&2
    echo "$found" >&2
    exit 1
  fi
}
