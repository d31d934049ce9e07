"""``banli serve`` (the HTTP API) and ``banli demo`` (the seeded demo year)."""

from __future__ import annotations

import argparse

from banli.compose import build_application, build_services, settings_for
from infra.services import Services


def demo(args: argparse.Namespace) -> int:
    from demo import load_demo, summarise

    settings = settings_for(args.data_dir)
    app = build_application(settings)
    if app.recorder.max_notification_id():
        print(f"demo data already loaded in {settings.data_dir}")
    else:
        load_demo(app, seed=args.seed)
    print(summarise(app))
    return 0


def serve(args: argparse.Namespace) -> int:
    # Imported here so that the other commands start without loading the web stack.
    import uvicorn

    from api.app import create_app

    services = build_services(settings_for(args.data_dir))
    if args.demo:
        ensure_demo(services)
    print(f"banli serving on http://{args.host}:{args.port}  (OpenAPI: /docs)", flush=True)
    print(f"workbench: open http://{args.host}:{args.port}/ and log in", flush=True)
    uvicorn.run(create_app(services), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def ensure_demo(services: Services) -> None:
    """Loads the demo year and its accounts on first start, then prints how to try it."""
    from demo import load_demo, summarise
    from demo.accounts import DEMO_PASSWORD, create_demo_accounts, demo_tokens, give_demo_passwords

    if not services.app.recorder.max_notification_id():
        print("loading the demo year (first start) …", flush=True)
        # With last year's cases: the search read model flags the demo year's repeats (R-S4).
        load_demo(services.app, earlier_year=True)
        create_demo_accounts(services.directory)
    give_demo_passwords(services.directory)  # demo data from before passwords existed
    print(summarise(services.app))
    print("demo logins for the workbench (http://…/): each username below with the demo-only")
    print(f"password {DEMO_PASSWORD}; the username is also the user's API token")
    print("(Authorization: Bearer <token>):")
    for who, token in demo_tokens().items():
        print(f"  {who:<14} username {token:<18} password {DEMO_PASSWORD}")
