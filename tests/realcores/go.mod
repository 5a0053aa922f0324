module ghfrealcores

go 1.19
