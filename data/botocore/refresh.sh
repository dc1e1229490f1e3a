#!/bin/sh
# Refreshes the vendored botocore service models (service-2.json, gzipped) and paginators
# (paginators-1.json) of the services rootsim models, from a pinned botocore wheel on PyPI.
#
#   data/botocore/refresh.sh            # the pinned version below
#   BOTOCORE_VERSION=1.44.20 data/botocore/refresh.sh
#
# Needs python3 with pip, and network access to PyPI. Writes only under data/botocore/.
set -eu

VERSION="${BOTOCORE_VERSION:-1.44.18}"
SERVICES="iam organizations account sts s3 s3control sqs kms sns cloudtrail events accessanalyzer lambda ec2 ssm ec2-instance-connect glue cloudformation sagemaker codebuild autoscaling"

here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "botocore==$VERSION"
wheel="$(ls "$tmp"/botocore-"$VERSION"-*.whl)"
python3 -m zipfile -e "$wheel" "$tmp/wheel"
data="$tmp/wheel/botocore/data"

for service in $SERVICES; do
    # One API version per service in current botocore; take the newest if there are several.
    api="$(ls "$data/$service" | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' | sort | tail -n 1)"
    src="$data/$service/$api"
    dst="$here/$service"
    rm -rf "$dst"
    mkdir -p "$dst"
    echo "$api" > "$dst/api-version"
    # Wheels ship some models gzipped already; store every service-2 gzipped, reproducibly (-n:
    # no name or time in the header, so an unchanged model gives unchanged bytes).
    if [ -f "$src/service-2.json.gz" ]; then
        gzip -dc "$src/service-2.json.gz" | gzip -9n > "$dst/service-2.json.gz"
    else
        gzip -9n < "$src/service-2.json" > "$dst/service-2.json.gz"
    fi
    if [ -f "$src/paginators-1.json" ]; then
        cp "$src/paginators-1.json" "$dst/paginators-1.json"
    else
        echo '{"pagination": {}}' > "$dst/paginators-1.json"
    fi
    # botocore's loader merges these extras (more non_aggregate_keys, e.g. S3's Prefix) into the
    # paginators: the AWS CLI prints what the merged model says.
    if [ -f "$src/paginators-1.sdk-extras.json" ]; then
        cp "$src/paginators-1.sdk-extras.json" "$dst/paginators-1.sdk-extras.json"
    fi
done

cp "$tmp/wheel/botocore-$VERSION.dist-info/LICENSE.txt" "$here/LICENSE.txt" 2>/dev/null \
    || find "$tmp/wheel/botocore-$VERSION.dist-info" -iname 'LICENSE*' -exec cp {} "$here/LICENSE.txt" \;
cp "$tmp/wheel/botocore-$VERSION.dist-info/NOTICE" "$here/NOTICE" 2>/dev/null || true

cat > "$here/SOURCE.md" <<MD
# Vendored botocore models

AWS's own models of the operations of the services rootsim simulates, copied unchanged from the
Python package **botocore $VERSION** (PyPI, \`$(basename "$wheel")\`), licensed under the
Apache License 2.0 (\`LICENSE.txt\`, \`NOTICE\` beside this file; copyright Amazon.com, Inc. or its
affiliates).

Fetched on $(date -u +%Y-%m-%d) by \`data/botocore/refresh.sh\`.

Per service, in \`<service>/\`:

- \`service-2.json.gz\`: \`botocore/data/<service>/<api-version>/service-2.json\`, gzipped
  (\`gzip -9n\`), the API's operations, shapes and documentation;
- \`paginators-1.json\`: the same folder's paginators, as they are (the tokens, limit keys and
  result keys the AWS CLI paginates with); \`{"pagination": {}}\` where botocore has none;
- \`api-version\`: the \`<api-version>\` folder it came from.

Services: $SERVICES.

To refresh (or move to another version): \`BOTOCORE_VERSION=x.y.z data/botocore/refresh.sh\`, then
run \`cargo test -p rootsim-model -- pages:: paginate::\` (the operation tables checked against
the models; rootsim paginates exactly the operations botocore does) and review the diff.
MD
echo "botocore $VERSION: $(du -sh "$here" | cut -f1) in $here"
