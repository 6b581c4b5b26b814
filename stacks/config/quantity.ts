/**
 * Kubernetes quantities (`500m`, `2`, `4Gi`, `1e3`): the API server's grammar, and their values for comparison.
 * Plain numbers are accurate enough for what the loader compares (a quota against one pod's defaults).
 */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIXES: Record<string, number> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** The value of a quantity, or undefined when the text is not one. */
export function parseQuantity(text: string): number | undefined {
    const match = QUANTITY.exec(text);
    if (!match) return undefined;
    const [, number, suffix = ""] = match;
    const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIXES[suffix];
    return Number(number) * scale;
}

export const QUANTITY_RULE = "must be a Kubernetes quantity such as 500m, 2, 1.5, 512Mi or 4Gi";
