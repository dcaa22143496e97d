#!/usr/bin/env python3
"""Federation analyst quick-start: a national table into pandas over gRPC, with margins, statuses and provenance.

Needs only Debian's packages python3-grpcio, python3-protobuf and python3-pandas: no protoc and no generated code.
The message classes are loaded from the contract's descriptor set, built once from the repository's protos:

    npx @bufbuild/buf build protos -o federation.binpb

Usage (docs/analysts.md):

    python3 query_into_pandas.py --gateway https://127.0.0.1:PORT --root root.pem --credentials analyst.json \
        --descriptors federation.binpb [--group-by gender] [--year 2024] [--publication] [--csv out.csv]
"""
import argparse
import base64
import json
import ssl
import sys
import time
import urllib.parse
import urllib.request

import grpc
import pandas as pd
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

# The Statistics Canada symbol of each CellStatus (SDMX OBS_STATUS in brackets): A, M, U, U.
SYMBOLS = {"CELL_STATUS_AVAILABLE": "", "CELL_STATUS_NOT_AVAILABLE": "..",
           "CELL_STATUS_USE_WITH_CAUTION": "E", "CELL_STATUS_TOO_UNRELIABLE": "F"}


def message_classes(descriptor_set_path, *names):
    """The Python classes of the named messages, from a FileDescriptorSet (imports first, as buf writes it)."""
    with open(descriptor_set_path, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    classes = []
    for name in names:
        descriptor = pool.FindMessageTypeByName(name)
        try:
            classes.append(message_factory.GetMessageClass(descriptor))
        except AttributeError:  # protobuf before 4.22, such as Debian bookworm's 4.21
            classes.append(message_factory.MessageFactory(pool).GetPrototype(descriptor))
    return classes


class Tokens:
    """Access tokens from the gateway's token server (OAuth 2.0 client credentials). A token lasts 600 s: it is
    renewed 30 s before it expires, and at once when the gateway answers UNAUTHENTICATED."""

    def __init__(self, gateway, root_pem, credentials_path, scope="federation.query"):
        with open(credentials_path) as f:
            credentials = json.load(f)
        self._url = gateway.rstrip("/") + "/connect/token"
        self._form = urllib.parse.urlencode({
            "grant_type": "client_credentials", "scope": scope,
            "client_id": credentials["clientId"], "client_secret": credentials["clientSecret"]}).encode()
        self._tls = ssl.create_default_context(cafile=root_pem)
        self._token, self._expires = None, 0.0

    def get(self, renew=False):
        if renew or self._token is None or time.time() > self._expires - 30:
            with urllib.request.urlopen(urllib.request.Request(self._url, data=self._form), context=self._tls) as answer:
                body = json.load(answer)
            self._token, self._expires = body["access_token"], time.time() + body["expires_in"]
        return self._token


def call_with_token(method, request, tokens):
    """Calls a unary method with the bearer token, renewing the token once if the gateway says it expired."""
    try:
        return method(request, metadata=[("authorization", "Bearer " + tokens.get())], timeout=30)
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.UNAUTHENTICATED:
            raise
        return method(request, metadata=[("authorization", "Bearer " + tokens.get(renew=True))], timeout=30)


def to_frame(response, status_names):
    """One row per figure: codes, value, 95% margin and bounds, status, r/p marks, then the answer's provenance."""
    rows = []
    for row in response.rows:
        status = status_names[row.status]
        available = status != "CELL_STATUS_NOT_AVAILABLE"
        record = {"reference_year": row.reference_year, "jurisdiction": row.jurisdiction}
        record.update(zip(response.group_by, row.codes))
        record.update({
            # A cell too unreliable to publish (F) shows its symbol, never its number.
            "value": row.value if available and SYMBOLS[status] != "F" else None,
            "symbol": SYMBOLS[status],
            "margin_95": row.margin if available else None,
            "revised": row.revised, "preliminary": row.preliminary,
            "contributing": " ".join(row.contributing_jurisdictions),
            "missing": " ".join(row.missing_jurisdictions)})
        rows.append(record)
    frame = pd.DataFrame(rows)
    frame["lower_95"] = (frame["value"] - frame["margin_95"]).clip(lower=0)
    frame["upper_95"] = frame["value"] + frame["margin_95"]
    frame.attrs = {"dataset_id": response.dataset_id, "table_id": response.table_id, "publication": response.publication,
                   "tree_size": response.tree_size, "root_hash": base64.b64encode(response.root_hash).decode(), "log_key_id": response.log_key_id,
                   "computed_at": response.computed_at.ToJsonString()}
    return frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", required=True, help="https://HOST:PORT")
    parser.add_argument("--root", required=True, help="the federation root certificate (PEM): the gateway's TLS root")
    parser.add_argument("--credentials", required=True, help='JSON file {"clientId": ..., "clientSecret": ...}')
    parser.add_argument("--descriptors", required=True, help="FileDescriptorSet of the protos (buf build -o FILE.binpb)")
    parser.add_argument("--dataset", default="trafficking.victims.v1")
    parser.add_argument("--group-by", default="", help="dimensions, comma-separated")
    parser.add_argument("--year", type=int, action="append", default=[])
    parser.add_argument("--publication", action="store_true", help="the publication view")
    parser.add_argument("--csv", help="also write the frame to this CSV file")
    args = parser.parse_args()

    QueryRequest, QueryResponse = message_classes(args.descriptors, "federation.v1.QueryRequest", "federation.v1.QueryResponse")
    status_names = {v.number: v.name for v in QueryResponse.DESCRIPTOR.fields_by_name["rows"].message_type.fields_by_name["status"].enum_type.values}
    with open(args.root, "rb") as f:
        tls = grpc.ssl_channel_credentials(root_certificates=f.read())
    address = urllib.parse.urlsplit(args.gateway).netloc
    tokens = Tokens(args.gateway, args.root, args.credentials)
    with grpc.secure_channel(address, tls) as channel:
        query = channel.unary_unary("/federation.v1.QueryService/Query",
                                    request_serializer=QueryRequest.SerializeToString,
                                    response_deserializer=QueryResponse.FromString)
        request = QueryRequest(dataset_id=args.dataset, group_by=[d for d in args.group_by.split(",") if d],
                               years=args.year, publication=args.publication)
        try:
            response = call_with_token(query, request, tokens)
        except grpc.RpcError as error:
            # Refusals name the field: INVALID_ARGUMENT with google.rpc.BadRequest details (docs/analysts.md).
            print(f"refused: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1

    frame = to_frame(response, status_names)
    pd.set_option("display.width", 200)
    print(frame.to_string(index=False))
    print("provenance:", json.dumps(frame.attrs))
    if args.csv:
        frame.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
