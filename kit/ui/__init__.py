"""ipywidgets user interfaces: shared components and one module per workbook."""
