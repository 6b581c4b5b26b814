import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DriverError, EXIT, parseArgs } from "../../driver";

const base = {
    config: {},
    json: false,
    expectNoChanges: false,
    refresh: false,
    showSecrets: false,
    breakLock: false,
    stripFluxFinalizers: false,
};

describe("parseArgs", () => {
    const good: [string[], NodeJS.ProcessEnv, object][] = [
        [["up", "--stack", "eks"], {}, { ...base, operation: "up", stack: "eks" }],
        [
            ["preview", "-s", "kind", "--expect-no-changes", "--json"],
            {},
            { ...base, operation: "preview", stack: "kind", expectNoChanges: true, json: true },
        ],
        [["up", "-s", "dev", "--refresh"], {}, { ...base, operation: "up", stack: "dev", refresh: true }],
        [["status"], { FLUXSTACK_STACK: "dev" }, { ...base, operation: "status", stack: "dev" }],
        [
            [
                "up",
                "-s",
                "dev",
                "-c",
                "flux.namespace=flux",
                "--config",
                "fluxstack:flux.instance.distribution.artifact=",
            ],
            {},
            {
                ...base,
                operation: "up",
                stack: "dev",
                config: { "fluxstack:flux.namespace": "flux", "fluxstack:flux.instance.distribution.artifact": "" },
            },
        ],
        [
            ["up", "-s", "dev", "-c", "kubernetes:context=lab"],
            { FLUXSTACK_CONFIG: "cluster.kubeconfig=/tmp/kc\n\n flux.probePolicy.enabled=false \n" },
            {
                ...base,
                operation: "up",
                stack: "dev",
                config: {
                    "fluxstack:cluster.kubeconfig": "/tmp/kc",
                    "fluxstack:flux.probePolicy.enabled": "false",
                    "kubernetes:context": "lab",
                },
            },
        ],
        [
            ["up", "-s", "dev", "-c", "a=x=y"],
            {},
            { ...base, operation: "up", stack: "dev", config: { "fluxstack:a": "x=y" } },
        ],
        [
            ["outputs", "-s", "dev", "--show-secrets"],
            {},
            { ...base, operation: "outputs", stack: "dev", showSecrets: true },
        ],
        // The forms node:util's parseArgs adds: a value joined to its option.
        [["up", "--stack=eks"], {}, { ...base, operation: "up", stack: "eks" }],
        [["up", "-seks"], {}, { ...base, operation: "up", stack: "eks" }],
        [
            ["up", "-s", "dev", "--config=flux.namespace=a", "-c", "flux.namespace=b"],
            {},
            { ...base, operation: "up", stack: "dev", config: { "fluxstack:flux.namespace": "b" } },
        ],
        [
            ["up", "-s", "dev", "-c", "flux.namespace=b"],
            { FLUXSTACK_CONFIG: "flux.namespace=a" },
            { ...base, operation: "up", stack: "dev", config: { "fluxstack:flux.namespace": "b" } },
        ],
        [["up", "-s", "dev"], { FLUXSTACK_STACK: "eks" }, { ...base, operation: "up", stack: "dev" }],
        [["-s", "-x", "up"], {}, { ...base, operation: "up", stack: "-x" }],
    ];
    for (const [argv, env, expected] of good) {
        it(`accepts ${argv.join(" ")}`, () => assert.deepEqual(parseArgs(argv, env), expected));
    }

    it("answers --help", () => assert.equal(parseArgs(["up", "--help"]), "help"));
    it("answers -h, whatever else is missing", () => assert.equal(parseArgs(["-h"]), "help"));

    const bad: [string[], NodeJS.ProcessEnv, string][] = [
        [[], {}, "no operation: use one of preview, up, refresh, destroy, outputs, status"],
        [
            ["deploy", "-s", "dev"],
            {},
            'unknown operation "deploy": use one of preview, up, refresh, destroy, outputs, status',
        ],
        [["up"], {}, "no stack: pass --stack NAME (or set FLUXSTACK_STACK)"],
        [["up", "--stack"], {}, "--stack needs a value"],
        [["up", "preview", "-s", "dev"], {}, "one operation at a time: got up and preview"],
        [["up", "-s", "dev", "--force"], {}, "unknown option --force"],
        [["up", "-s", "dev", "-c", "novalue"], {}, '-c: expected KEY=VALUE, got "novalue"'],
        [["up", "-s", "dev"], { FLUXSTACK_CONFIG: "=x" }, 'FLUXSTACK_CONFIG: expected KEY=VALUE, got "=x"'],
        [["up", "-s", "dev", "--expect-no-changes"], {}, "--expect-no-changes goes with preview"],
        [["destroy", "-s", "dev", "--refresh"], {}, "--refresh goes with preview or up"],
        [["up", "-s", "dev", "--show-secrets"], {}, "--show-secrets goes with outputs"],
        [["up", "--stack", "--json"], {}, "--stack needs a value"],
        [["up", "-s", "dev", "-c"], {}, "-c needs a value"],
        [["up", "-s", "dev", "-x"], {}, "unknown option -x"],
        [["up", "-s", "dev", "--json=yes"], {}, "--json takes no value"],
        [["up", "-s", "dev", "--", "preview"], {}, "unknown option --"],
        [["up", "--force", "--help"], {}, "unknown option --force"],
        [["up", "-s", "dev", "--config=novalue"], {}, '--config: expected KEY=VALUE, got "novalue"'],
    ];
    for (const [argv, env, message] of bad) {
        it(`rejects ${argv.join(" ") || "(nothing)"}`, () => {
            assert.throws(
                () => parseArgs(argv, env),
                (e: unknown) => e instanceof DriverError && e.code === EXIT.usage && e.message === message,
            );
        });
    }
});
