"""Writes paginate-cases.json: what botocore's paginator makes of given API pages.

Each case feeds API pages, in order, to botocore's real paginator (through botocore.stub.Stubber)
with a PaginationConfig, and records the merged result (build_full_result, what the AWS CLI prints
as JSON) and how many pages it asked for. command/paginate.rs's test feeds the same pages to
rootsim's paginator and expects the same. Each case also records what awscli's text formatter prints for the same pages. Run with
botocore and awscli installed: python3 paginate-cases.py
"""
import argparse
import io
import json

import jmespath
import botocore
import botocore.session
from botocore.stub import Stubber
from awscli.formatter import TextFormatter


def user(n):
    return {"Path": "/", "UserName": n, "UserId": "AIDA" + n.upper().ljust(17, "X"),
            "Arn": "arn:aws:iam::123456789012:user/" + n, "CreateDate": "2026-01-01T00:00:00Z"}


def users_pages(sizes):
    pages, k = [], 0
    for i, size in enumerate(sizes):
        page = {"Users": [user("u%02d" % (k + j)) for j in range(size)]}
        k += size
        last = i == len(sizes) - 1
        page["IsTruncated"] = not last
        if not last:
            page["Marker"] = "m%d" % (i + 1)
        pages.append(page)
    return pages


GROUP = {"Path": "/", "GroupName": "g", "GroupId": "AGPAXXXXXXXXXXXXXXXXX",
         "Arn": "arn:aws:iam::123456789012:group/g", "CreateDate": "2026-01-01T00:00:00Z"}


def gaad_pages():
    def detail(kind, n):
        return {kind: n}
    return [
        {"UserDetailList": [{"UserName": "a"}, {"UserName": "b"}], "GroupDetailList": [{"GroupName": "g1"}],
         "RoleDetailList": [], "Policies": [{"PolicyName": "p1"}], "IsTruncated": True, "Marker": "m1"},
        {"UserDetailList": [{"UserName": "c"}], "GroupDetailList": [], "RoleDetailList": [{"RoleName": "r1"}],
         "Policies": [{"PolicyName": "p2"}], "IsTruncated": False},
    ]


def s3_pages():
    obj = lambda k: {"Key": k, "Size": 1}
    return [
        {"IsTruncated": True, "Contents": [obj("a"), obj("b")], "Name": "bkt", "Prefix": "", "MaxKeys": 2,
         "KeyCount": 2, "NextContinuationToken": "c1"},
        {"IsTruncated": False, "Contents": [obj("c")], "Name": "bkt", "Prefix": "", "MaxKeys": 2, "KeyCount": 1},
    ]


def queues_pages():
    return [
        {"QueueUrls": ["https://q/1", "https://q/2"], "NextToken": "t1"},
        {"QueueUrls": ["https://q/3"]},
    ]


def paginated(service, method, params, pages, config):
    """A PageIterator over stubbed pages, and the stubber that counts the calls."""
    session = botocore.session.get_session()
    client = session.create_client(service, region_name="us-east-1",
                                   aws_access_key_id="a", aws_secret_access_key="b")
    stubber = Stubber(client)
    for page in pages:
        stubber.add_response(method, json.loads(json.dumps(page)))
    return client.get_paginator(method).paginate(**params, PaginationConfig=config), stubber


def text_output(service, method, params, pages, config, query):
    """What the AWS CLI's text formatter prints for the same pages (awscli's TextFormatter, the
    same page by page logic in v1 and v2), with `--query` when given."""
    iterator, stubber = paginated(service, method, params, pages, config)
    args = argparse.Namespace(query=jmespath.compile(query) if query else None)
    out = io.StringIO()
    with stubber:
        TextFormatter(args)(method, iterator, out)
    return out.getvalue()


def run(service, cli_service, operation, method, params, pages, config, query=None):
    iterator, stubber = paginated(service, method, params, pages, config)
    calls_before = len(stubber._queue)
    with stubber:
        try:
            result = iterator.build_full_result()
            error = None
        except Exception as e:  # the CLI prints the message
            result, error = None, str(e)
    calls = calls_before - len(stubber._queue)
    return {"service": cli_service, "operation": operation, "params": params, "pages": pages,
            "config": config, "calls": calls,
            "expected": json.loads(json.dumps(result, default=str)) if result is not None else None,
            "error": error,
            "query": query,
            "text": text_output(service, method, params, pages, config, query)}


def main():
    cases = []
    u = users_pages([3, 3, 2])
    for config in [{}, {"MaxItems": 4}, {"MaxItems": 3}, {"MaxItems": 8}, {"MaxItems": 0}, {"MaxItems": 20}]:
        cases.append(run("iam", "iam", "ListUsers", "list_users", {}, u, config))
    # Resume from the token of MaxItems 4 (page 2 cut after 1 item): page 2 again, then page 3.
    t4 = cases[1]["expected"]["NextToken"]
    cases.append(run("iam", "iam", "ListUsers", "list_users", {}, u[1:], {"StartingToken": t4}))
    cases.append(run("iam", "iam", "ListUsers", "list_users", {}, u[1:], {"StartingToken": t4, "MaxItems": 1}))
    t3 = cases[2]["expected"]["NextToken"]
    cases.append(run("iam", "iam", "ListUsers", "list_users", {}, u[1:], {"StartingToken": t3, "MaxItems": 2}))
    g = [dict(p, Group=GROUP) for p in users_pages([2, 2])]
    cases.append(run("iam", "iam", "GetGroup", "get_group", {"GroupName": "g"}, g, {}))
    cases.append(run("iam", "iam", "GetGroup", "get_group", {"GroupName": "g"}, g, {"MaxItems": 3}))
    ga = gaad_pages()
    cases.append(run("iam", "iam", "GetAccountAuthorizationDetails", "get_account_authorization_details", {}, ga, {}))
    cases.append(run("iam", "iam", "GetAccountAuthorizationDetails", "get_account_authorization_details", {}, ga,
                     {"MaxItems": 1}))
    t = cases[-1]["expected"]["NextToken"]
    cases.append(run("iam", "iam", "GetAccountAuthorizationDetails", "get_account_authorization_details", {}, ga,
                     {"StartingToken": t}))
    s3 = s3_pages()
    cases.append(run("s3", "s3api", "ListObjectsV2", "list_objects_v2", {"Bucket": "bkt"}, s3, {}))
    cases.append(run("s3", "s3api", "ListObjectsV2", "list_objects_v2", {"Bucket": "bkt"}, s3, {"MaxItems": 2}))
    cases.append(run("iam", "iam", "ListUsers", "list_users", {}, u, {"MaxItems": 5}, "Users[].UserName"))
    cases.append(run("iam", "iam", "GetGroup", "get_group", {"GroupName": "g"}, g, {"MaxItems": 3},
                     "Group.GroupName"))
    q = queues_pages()
    cases.append(run("sqs", "sqs", "ListQueues", "list_queues", {}, q, {"MaxItems": 1}))
    cases.append(run("sqs", "sqs", "ListQueues", "list_queues", {}, q, {}))
    out = {"botocore": botocore.__version__, "cases": cases}
    with open(__file__.replace(".py", ".json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


main()
