module rtlayoutprog

go 1.19
