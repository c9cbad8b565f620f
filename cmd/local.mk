# The programs: one source file each, options and the record loop only.
