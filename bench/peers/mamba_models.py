"""One Mamba block (W8) and the Mamba / Mamba-2 LM forwards (LM1, LM2), written once over a NumPy-like array module
`xp` (numpy, jax.numpy or torch) as models/mamba_block.seq, models/mamba_lm.seq and models/mamba2_lm.seq compute
them (mixers.md §d.2-§d.4, §e.3-§e.4), batch 1, time-major. Only the time recurrences differ per framework: each
peer passes its own `s6(dt, A, B, C, u)` and `ssd(x, dt, A, B, C)` (lax.scan in JAX, a loop over time in PyTorch as
HF's slow path and mamba_ssm's selective_scan_ref do, a loop in float64 NumPy for the reference).

Weights are seeded random, as `seqc bench` draws them: matrices uniform in ±1/sqrt(fan-in), vectors in [0.5, 1.5).
"""
import numpy as np

# The benchmark's shapes: Mamba-130m and Mamba-2-130m.
MAMBA = dict(d_model=768, d_inner=1536, d_state=16, d_conv=4, dt_rank=48)
MAMBA2 = dict(d_model=768, d_inner=1536, d_state=128, d_conv=4, headdim=64)
VOCAB1, VOCAB2, LAYERS, EPS = 50280, 50288, 24, 1e-5


def uniform_init(rng, shape):
    if len(shape) >= 2:
        b = 1 / np.sqrt(np.prod(shape[1:]))
        return rng.uniform(-b, b, shape).astype(np.float32)
    return rng.uniform(0.5, 1.5, shape).astype(np.float32)


def mamba_shapes(d_model, d_inner, d_state, d_conv, dt_rank):
    return dict(in_proj=(2 * d_inner, d_model), conv_w=(d_inner, d_conv), conv_b=(d_inner,),
                x_proj=(dt_rank + 2 * d_state, d_inner), dt_w=(d_inner, dt_rank), dt_b=(d_inner,),
                A_log=(d_inner, d_state), D=(d_inner,), out_proj=(d_model, d_inner))


def mamba2_shapes(d_model, d_inner, d_state, d_conv, headdim):
    heads, conv_dim = d_inner // headdim, d_inner + 2 * d_state
    return dict(in_proj=(d_inner + conv_dim + heads, d_model), conv_w=(conv_dim, d_conv), conv_b=(conv_dim,),
                dt_bias=(heads,), A_log=(heads,), D=(heads,), norm_w=(d_inner,), out_proj=(d_model, d_inner))


def block_weights(rng, shapes):
    return {k: uniform_init(rng, s) for k, s in shapes.items()}


def lm_weights(rng, shapes, vocab, d_model, layers):
    """Embedding, final norm, and each layer's weights stacked along a leading layer axis."""
    per_layer = [dict(norm=uniform_init(rng, (d_model,)), **block_weights(rng, shapes)) for _ in range(layers)]
    stacked = {k: np.stack([p[k] for p in per_layer]) for k in per_layer[0]}
    return dict(emb=uniform_init(rng, (vocab, d_model)), norm_f=uniform_init(rng, (d_model,)), layers=stacked)


# ---------------------------------------------------------------------------------------------------------------
# The model, over xp. Only operations numpy, jax.numpy and torch spell alike.

def silu(xp, x):
    return x / (1 + xp.exp(-x))


def softplus(xp, x):
    """max(x, 0) + log1p(e^-|x|): PyTorch's softplus, without its threshold branch (equal to rounding beyond 20)."""
    a = xp.abs(x)
    return (x + a) / 2 + xp.log1p(xp.exp(-a))


def rmsnorm(xp, x, w, eps=EPS):
    return x / xp.sqrt((x * x).sum(-1)[..., None] / x.shape[-1] + eps) * w


def causal_conv(xp, x, w, b):
    """Depthwise causal conv over time: x (L, C), w (C, d_conv), zero history. Tap j reads x[t - (d_conv-1-j)]."""
    L, dc = x.shape[0], w.shape[1]
    zero = x[:1] * 0
    out = b + x * w[:, dc - 1]
    for j in range(dc - 1):
        k = dc - 1 - j
        if k < L:
            out = out + xp.concatenate([zero] * k + [x[:-k]], 0) * w[:, j]
    return out


def mamba_mixer(xp, s6, x, p):
    """x (L, d_model) → (L, d_model): in_proj, conv + silu, x_proj, dt_proj + softplus, S6, D skip, silu(z), out_proj."""
    di, n, r = p["D"].shape[0], p["A_log"].shape[1], p["dt_w"].shape[1]
    xz = x @ p["in_proj"].T
    u = silu(xp, causal_conv(xp, xz[:, :di], p["conv_w"], p["conv_b"]))
    dbc = u @ p["x_proj"].T
    dt = softplus(xp, dbc[:, :r] @ p["dt_w"].T + p["dt_b"])
    y = s6(dt, -xp.exp(p["A_log"]), dbc[:, r:r + n], dbc[:, r + n:], u)
    return ((y + p["D"] * u) * silu(xp, xz[:, di:])) @ p["out_proj"].T


def mamba2_mixer(xp, ssd, x, p):
    """x (L, d_model) → (L, d_model): in_proj [z | xBC | dt], conv + silu on xBC, SSD, D skip, gated RMSNorm, out_proj."""
    di, heads = p["norm_w"].shape[0], p["A_log"].shape[0]
    conv_dim = p["conv_w"].shape[0]
    n, hd, L = (conv_dim - di) // 2, di // heads, x.shape[0]
    zxbcdt = x @ p["in_proj"].T
    z, xbc, dt = zxbcdt[:, :di], zxbcdt[:, di:di + conv_dim], zxbcdt[:, di + conv_dim:]
    xbc = silu(xp, causal_conv(xp, xbc, p["conv_w"], p["conv_b"]))
    xs = xbc[:, :di].reshape(L, heads, hd)
    y = ssd(xs, softplus(xp, dt + p["dt_bias"]), -xp.exp(p["A_log"]), xbc[:, di:di + n], xbc[:, di + n:])
    y = (y + p["D"][:, None] * xs).reshape(L, di)
    return rmsnorm(xp, y * silu(xp, z), p["norm_w"]) @ p["out_proj"].T


def layer(xp, mixer, scan, h, p):
    """One pre-norm residual layer."""
    return h + mixer(xp, scan, rmsnorm(xp, h, p["norm"]), p)


def lm_head(xp, h, w):
    return rmsnorm(xp, h, w["norm_f"]) @ w["emb"].T


# ---------------------------------------------------------------------------------------------------------------
# The float64 NumPy reference's recurrences.

def np_s6(dt, A, B, C, u):
    h = np.zeros(A.shape)
    ys = []
    for t in range(dt.shape[0]):
        h = np.exp(dt[t][:, None] * A) * h + (dt[t] * u[t])[:, None] * B[t][None, :]
        ys.append(h @ C[t])
    return np.stack(ys)


def np_ssd(x, dt, A, B, C):
    h = np.zeros(x.shape[1:] + (B.shape[1],))
    ys = []
    for t in range(x.shape[0]):
        h = np.exp(dt[t] * A)[:, None, None] * h + (dt[t][:, None] * x[t])[:, :, None] * B[t]
        ys.append(h @ C[t])
    return np.stack(ys)


def np_block(x, p, kind):
    p = {k: v.astype(np.float64) for k, v in p.items()}
    x = x.astype(np.float64)
    return mamba_mixer(np, np_s6, x, p) if kind == 1 else mamba2_mixer(np, np_ssd, x, p)


def np_lm(ids, w, kind):
    f = lambda a: a.astype(np.float64)
    h = f(w["emb"])[ids]
    mixer, scan = (mamba_mixer, np_s6) if kind == 1 else (mamba2_mixer, np_ssd)
    layers = w["layers"]
    for i in range(next(iter(layers.values())).shape[0]):
        h = layer(np, mixer, scan, h, {k: f(v[i]) for k, v in layers.items()})
    return lm_head(np, h, {"emb": f(w["emb"]), "norm_f": f(w["norm_f"])})


# ---------------------------------------------------------------------------------------------------------------
# Workload data, shared by the peers: full size and the small verification size.

def w8_data(rng, L, small=False):
    s = dict(d_model=32, d_inner=64, d_state=16, d_conv=4, dt_rank=4) if small else MAMBA
    return dict(x=rng.uniform(-1, 1, (L, s["d_model"])).astype(np.float32), p=block_weights(rng, mamba_shapes(**s)))


def lm_data(rng, L, kind, small=False):
    if kind == 1:
        s = dict(d_model=32, d_inner=64, d_state=16, d_conv=4, dt_rank=4) if small else MAMBA
        vocab, layers, shapes = (100 if small else VOCAB1), (2 if small else LAYERS), mamba_shapes(**s)
    else:
        s = dict(d_model=32, d_inner=64, d_state=16, d_conv=4, headdim=16) if small else MAMBA2
        vocab, layers, shapes = (100 if small else VOCAB2), (2 if small else LAYERS), mamba2_shapes(**s)
    w = lm_weights(rng, shapes, vocab, s["d_model"], layers)
    return dict(ids=rng.integers(0, vocab, L).astype(np.int32), w=w)


# FLOPs of one forward at length L (2·M·N·K per projection, the recurrences at 5 per state element and step, plus
# the LM head), for the report's GFLOP/s; seqc's own count comes from its Graph IR.
def block_flops(L, kind):
    if kind == 1:
        dm, di, n, r = MAMBA["d_model"], MAMBA["d_inner"], MAMBA["d_state"], MAMBA["dt_rank"]
        return 2 * L * (dm * 2 * di + di * (r + 2 * n) + r * di + di * dm) + 7 * L * di * n
    dm, di, n, hd = MAMBA2["d_model"], MAMBA2["d_inner"], MAMBA2["d_state"], MAMBA2["headdim"]
    return 2 * L * dm * (2 * di + 2 * n + di // hd) + 2 * L * di * dm + 5 * L * di * n


def lm_flops(L, kind):
    return LAYERS * block_flops(L, kind) + 2 * L * 768 * (VOCAB1 if kind == 1 else VOCAB2)
