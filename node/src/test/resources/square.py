#!/usr/bin/env python3
# A Droplet process function: one JSON request per line in, one JSON reply per line out.
import json
import sys

for line in sys.stdin:
    request = json.loads(line)
    args = request["args"]
    try:
        if args and args[0] == "boom":
            raise ValueError("boom from python")
        reply = {"result": {"square": args[0] * args[0], "saw_invocation": request["invocation"] > 0}}
    except Exception as error:
        reply = {"error": repr(error)}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
