"""Install, start, stop and inspect the real backing services ShopGraph's tests need.

Stdlib only: it runs before the project's virtualenv exists.  Usage (from the checkout root):

    python3 -m infra up [--only postgres,redis,kafka,elasticsearch]
    python3 -m infra down [--only ...]
    python3 -m infra env
    python3 -m infra status [--only ...]

Every server started here listens on 127.0.0.1 only and keeps its data, logs and pid file
under infra/.run/<service>/ (thrown away by `down`).  See infra/README.md.
"""
