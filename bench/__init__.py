"""tray's benchmark suite: the seed's scenarios, served by tray and by its peers.

Run ``python bench/run.py --help``; ``bench/README.md`` says what each layer measures.
"""
