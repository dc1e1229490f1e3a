# Writes yaml-fold-cases.json: cases of strings over 80 columns for rootsim's YAML emitter, dumped by ruamel.yaml 0.19.1
# (YAML(typ='safe'), default_flow_style=False), as the AWS CLI v2's YAML output does.
# Run: python3 -m venv /tmp/v && /tmp/v/bin/pip install ruamel.yaml==0.19.1 &&
#      /tmp/v/bin/python yaml-fold-cases.py > yaml-fold-cases.json
# Double-quoted scalars (line breaks, a leading quote) are left out: rootsim does not fold them.
import json, io, sys
from ruamel.yaml import YAML
y = YAML(typ='safe')
y.default_flow_style = False
long_plain = " ".join(["lorem", "ipsum", "dolor", "sit", "amet"] * 6)
cases_in = [
    {"Description": long_plain},
    {"A": {"B": {"Message": long_plain}}},
    {"L": [long_plain, {"K": long_plain}]},
    [long_plain, [long_plain]],
    long_plain,
    {"Q": "yes " + long_plain + " #x"},
    {"Q": "it's " + long_plain},
    {"S": "a  b " * 30},
    {"T": "x" * 100 + " tail " + "y" * 90},
    {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*", "Principal": "*"}]})},
    {"K" * 90: "v"},
]
out = []
for c in cases_in:
    s = io.StringIO()
    y.dump(c, s)
    out.append([c, s.getvalue()])
json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
