"""``python -m gaugeopt``: the same command line as the ``gaugeopt`` script."""

from gaugeopt.cli import main

if __name__ == "__main__":
    main()
