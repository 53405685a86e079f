#!/usr/bin/python3
"""Confluent Schema Registry simulator for streamprobe tests (stdlib only).

Serves the read-only shapes of /work/shared/reference/PROTOCOLS.md §6; each served shape
names its upstream source in a ``# source:`` comment.  Every response has content type
``application/vnd.schemaregistry.v1+json``.

  GET /                      -> {}
  GET /subjects[?deleted=true] -> ["orders-value","users-key"]  (+ soft-deleted ones)
  GET /config                -> {"compatibilityLevel":"BACKWARD"}
  GET /mode                  -> {"mode":"READWRITE"}
  errors                     -> {"error_code":50001,"message":"..."}, HTTP status = the
                                first three digits of error_code

The ``error_code`` switch (e.g. 50001 = store error) makes /subjects, /config and /mode
fail with that error; ``GET /`` (no store access) keeps answering ``{}``.

Start:  python3 tests/sim/schema_registry_sim.py [--error-code 50001] [flags]
stdout: {"registry":port,"control":port}
Control: POST /-/scenario {"error_code":50001} on the control port (see common.py, README.md).
"""

from common import (FAULT_SWITCHES, NodeServer, Simulator, Switch, build_parser,
                    json_response, run_simulator, scenario_from_args)

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"

# source: confluentinc/schema-registry core/.../rest/exceptions/Errors.java (PROTOCOLS.md §6);
# the message texts are made up
ERROR_MESSAGES = {
    40401: "Subject not found.", 40402: "Version not found.", 40403: "Schema not found.",
    40408: "Subject does not have subject-level compatibility configured",
    40409: "Subject does not have subject-level mode configured",
    50001: "Error while registering schema: store error",
    50002: "Operation timed out", 50003: "Error while forwarding the request to the leader",
    50004: "Leader not known.",
}

# source: confluentinc/schema-registry client/.../rest/entities/Mode.java (PROTOCOLS.md §6)
MODES = ("READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT")
COMPATIBILITY_LEVELS = ("BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
                        "FULL", "FULL_TRANSITIVE", "NONE")

SWITCHES = [
    Switch("subjects", "str_list", ["orders-value", "users-key"], "live subjects"),
    Switch("deleted_subjects", "str_list", ["legacy-value"],
           "soft-deleted subjects (listed only with ?deleted=true)"),
    Switch("compatibility", "str", "BACKWARD", "global compatibilityLevel", COMPATIBILITY_LEVELS),
    Switch("mode", "str", "READWRITE", "global mode", MODES),
    Switch("error_code", "int", 0, "fail store-backed endpoints with this error_code (0: off)",
           (0,) + tuple(ERROR_MESSAGES)),
] + FAULT_SWITCHES


def error_response(error_code, message):
    # source: confluentinc/schema-registry client/.../rest/entities/ErrorMessage.java;
    # HTTP status = first three digits of error_code (PROTOCOLS.md §6)
    status = int(str(error_code)[:3])
    return json_response({"error_code": error_code, "message": message}, status, CONTENT_TYPE)


def ok(body):
    return json_response(body, 200, CONTENT_TYPE)


def subjects(request, scenario):
    # source: confluentinc/schema-registry SubjectsResource (GET /subjects, ?deleted=true)
    # (PROTOCOLS.md §6)
    names = list(scenario["subjects"])
    if request.param("deleted") == "true":
        names += scenario["deleted_subjects"]
    return ok(names)


def config(scenario):
    # source: confluentinc/schema-registry client/.../rest/entities/Config.java,
    # @JsonInclude(NON_EMPTY): only compatibilityLevel when nothing else is set (PROTOCOLS.md §6)
    return ok({"compatibilityLevel": scenario["compatibility"]})


def mode(scenario):
    # source: confluentinc/schema-registry client/.../rest/entities/Mode.java (PROTOCOLS.md §6)
    return ok({"mode": scenario["mode"]})


class SchemaRegistrySimulator(Simulator):
    """One Schema Registry REST server."""

    SWITCHES = SWITCHES

    def __init__(self, port=0, **kwargs):
        self.port = port
        super().__init__(**kwargs)

    def create_nodes(self):
        self.nodes["registry"] = NodeServer("registry", self.host, self.port, self)

    def ports(self):
        return {"registry": self.nodes["registry"].port, "control": self.control.port}

    def route(self, node, request, scenario):
        if request.method == "GET" and request.path == "/":
            # source: confluentinc/schema-registry core/.../rest/resources/RootResource.java
            # "can be used to check for liveness" (PROTOCOLS.md §6)
            return ok({})
        handlers = {"/subjects": lambda: subjects(request, scenario),
                    "/config": lambda: config(scenario), "/mode": lambda: mode(scenario)}
        handler = handlers.get(request.path)
        if request.method != "GET" or handler is None:
            # Jersey's 404 rendered as an ErrorMessage (simulator-specific text)
            return error_response(404, "HTTP 404 Not Found")
        if scenario["error_code"]:
            return error_response(scenario["error_code"], ERROR_MESSAGES[scenario["error_code"]])
        return handler()


def make_parser():
    parser = build_parser(__doc__.splitlines()[0], SWITCHES)
    parser.add_argument("--port", type=int, default=0, help="REST port (0: any)")
    return parser


def main(argv=None):
    parser = make_parser()

    def make(args):
        return SchemaRegistrySimulator(args.port, host=args.host, control_port=args.control_port,
                                       scenario=scenario_from_args(args, SWITCHES))
    return run_simulator(make, parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
