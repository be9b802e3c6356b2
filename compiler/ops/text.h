/* ops/text.h — text features: the family's op list (see ops.h). */
#define TEXT_OPS(X) \
    X(OP_TFIDFVECTORIZER, "TfIdfVectorizer", 1, 1, 1, 1, text) \
    /* end */
