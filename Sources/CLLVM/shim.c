// A C target needs one source file; the API is all in include/.
