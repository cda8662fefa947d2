"""Evidence files on complaints (photos and PDFs), cleaned of everything that identifies.

- `contract`: what a cleaned file is, the refusal codes and their HTTP statuses, the limits, and
  the JSON the cleaner function speaks. Standard library only: the API imports it.
- `cleaner`: `clean()` and `render_pages()`, on Pillow, pikepdf and pypdfium2. No AWS, no HTTP.
  Those libraries are not in the API's bundle: in AWS the cleaner is its own Lambda function
  (`handler`, packaged by `python -m devstack.cleaner_bundle`); locally the API worker imports it.
"""
