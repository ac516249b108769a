"""The bundle's entry point: the same ``main`` as the ``videoberatung-advisor`` script."""

from advisor_app.main import main

raise SystemExit(main())
