/// The Python module that MLflow's python_function flavor loads a Trainyard model with (pure numpy);
/// `trainyard train` writes it into the model directory as `code/trainyard_pyfunc.py`.
///
/// MLflow calls `trainyard_pyfunc._load_pyfunc(path)` with the path of `model.json` and then
/// `predict(model_input)`; the predictions equal `trainyard predict`'s for the same rows (the same
/// feature encoding, tree walks, sums and transforms, in float64 and in the same order), so a model
/// served by MLflow answers as the CLI does. The module needs only numpy and pandas.
public enum PyfuncModule {
    public static let moduleName = "trainyard_pyfunc"

    /// The module's Python source (ends with a line break).
    public static let source = #"""
        """Loads a Trainyard model (``model.json``) for MLflow's ``python_function`` flavor.

        ``trainyard train`` writes this module into the model directory as ``code/trainyard_pyfunc.py``;
        MLflow imports it and calls ``_load_pyfunc(path)`` with the path of ``model.json``, then
        ``predict(model_input)`` on what it returns. It needs only numpy and pandas, and gives the
        predictions of ``trainyard predict`` for the same data: the same tree walks, sums and
        transforms in the same order and precision (float64), so results agree to the last bit or two.

        Output: a DataFrame with the columns ``trainyard predict`` writes: ``prediction`` (the class name
        for classification, the value for regression), then ``probability_<class>`` for every class.

        Input: a pandas DataFrame (or a dict of columns) holding the model's feature columns by name;
        other columns are ignored. Cells are read as ``trainyard predict`` reads CSV text:

        - numeric features: numbers, or text that is a decimal number (``1.5``, ``-2e3``, ``inf``);
          missing is None, NaN, or one of the missing spellings (``""``, ``NA``, ``N/A``, ``NaN``,
          ``nan``, ``null``, ``NULL``, ``None``; spaces and tabs around a text are ignored).
          True/False count as 1/0.
        - boolean features: True/False, or the texts true/false, yes/no, t/f in any case; also the
          numbers 1/0 (which a CSV file could not hold here, but a DataFrame built in Python may).
        - categorical features: texts, matched exactly against the categories the model was trained on.
          A number stands for the category written as that number, as ``pd.read_csv`` turns CSV text
          such as ``4`` into 4 or, in a column with missing values, 4.0: first the category spelled as
          the integer (``"4"``) or, for a non-integer, as Python's shortest repr (``"2.5"``), else a
          category whose text reads as that number (``"4.0"``, ``"04"``). True/False stand for the
          category spelled as a truth word of that value (``"True"``, ``"yes"``, ...).
          A category the model never saw counts as missing, as in ``trainyard predict``: for tree
          models it follows each split's learned default direction, for linear models all of that
          feature's one-hot inputs are 0.

        A cell that a numeric or boolean feature cannot hold raises ValueError naming the column and row.
        """

        import json
        import math
        import os

        import numpy as np
        import pandas as pd

        FORMAT_NAME = "trainyard.model"
        FORMAT_VERSION = 1

        #: Cell texts read as missing (``CSVOptions.defaultMissingValues``), compared after trimming
        #: spaces and tabs.
        MISSING_TEXTS = frozenset(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"])

        #: Rows per block of a tree walk.
        _BLOCK_ROWS = 16384

        _TRUTH_WORDS = {"true": 1.0, "t": 1.0, "yes": 1.0, "false": 0.0, "f": 0.0, "no": 0.0}
        _DIGITS = frozenset("0123456789")


        def _load_pyfunc(path):
            """MLflow's entry point: the model at ``path`` (``model.json`` or its directory)."""
            return TrainyardPyfuncModel.load(path)


        def load_model(path):
            """The model at ``path`` (``model.json`` or its directory), for use without MLflow."""
            return TrainyardPyfuncModel.load(path)


        def _trim(text):
            return text.strip(" \t")


        def _parse_decimal(text):
            """The number in ``text`` as ``trainyard``'s CSV reader reads it, or None.

            Accepts ``[+-]digits[.digits][(e|E)[+-]digits]`` (digits on at least one side of the
            point) and ``inf``/``infinity`` in any case with an optional sign; not ``nan``, which is a
            missing-value spelling, nor what Python's float() accepts beyond that (``1_000``).
            """
            t = _trim(text)
            i = 0
            n = len(t)
            if i < n and t[i] in "+-":
                i += 1
            digits = 0
            point = False
            while i < n:
                ch = t[i]
                if ch == "." and not point:
                    point = True
                elif ch in _DIGITS:
                    digits += 1
                else:
                    break
                i += 1
            if digits == 0:
                # As the Swift parser: what follows the sign (and a lone point) may be inf or infinity.
                if t[i:].lower() in ("inf", "infinity"):
                    return -math.inf if t.startswith("-") else math.inf
                return None
            if i < n and t[i] in "eE":
                i += 1
                if i < n and t[i] in "+-":
                    i += 1
                start = i
                while i < n and t[i] in _DIGITS:
                    i += 1
                if i == start:
                    return None
            if i != n:
                return None
            # Python's float() is correctly rounded, as the Swift parser is.
            return float(t)


        def _is_missing_scalar(value):
            if value is None or value is pd.NA or value is pd.NaT:
                return True
            if isinstance(value, (float, np.floating)):
                return math.isnan(value)
            return False


        def _canonical_number_text(value):
            """How a number would most likely have been written in a CSV cell."""
            if isinstance(value, (int, np.integer)):
                return str(int(value))
            v = float(value)
            if math.isfinite(v) and v == math.floor(v) and abs(v) < 2.0**63:
                return str(int(v))
            return repr(v)


        def _row_of(codes, unique_index, index):
            """The label of the first row whose factorized code is ``unique_index``, for messages."""
            row = int(np.flatnonzero(codes == unique_index)[0])
            return index[row] if index is not None else row


        class _Feature:
            """One feature of the schema, with the lookups its conversion needs."""

            def __init__(self, spec):
                self.name = spec["name"]
                self.kind = spec["kind"]
                if self.kind not in ("numeric", "boolean", "categorical"):
                    raise ValueError('feature "%s": unknown kind "%s"' % (self.name, self.kind))
                self.categories = list(spec.get("categories", [])) if self.kind == "categorical" else []
                self.codes = {text: i for i, text in enumerate(self.categories)}
                # Categories whose text reads as a number (first in category order), for numeric cells.
                self.by_number = {}
                self.by_truth = {}
                for i, text in enumerate(self.categories):
                    number = _parse_decimal(text)
                    if number is not None and not math.isnan(number):
                        self.by_number.setdefault(number, i)
                    truth = _TRUTH_WORDS.get(_trim(text).lower())
                    if truth is not None:
                        self.by_truth.setdefault(truth, i)

            # Each converter returns one value per row: float64 with NaN for numeric and boolean
            # features, int64 model codes with -1 for missing or unknown categories.

            def numbers(self, series):
                return self._convert(series, self._number_of, np.float64, np.nan, "a number")

            def truths(self, series):
                dtype = series.dtype
                if dtype == np.bool_:
                    return series.to_numpy(dtype=np.float64)
                return self._convert(series, self._truth_of, np.float64, np.nan, "true or false")

            def category_codes(self, series):
                return self._convert(series, self._code_of, np.int64, -1, None)

            def _convert(self, series, convert, dtype, missing, expected):
                if isinstance(series.dtype, pd.CategoricalDtype):
                    series = series.astype(object)
                if self.kind == "numeric" and _is_plain_numeric(series.dtype):
                    return series.to_numpy(dtype=np.float64, na_value=np.nan)
                values = series.to_numpy(dtype=object) if not _is_plain_numeric(series.dtype) else series.to_numpy()
                codes, uniques = pd.factorize(values)
                table = np.empty(len(uniques) + 1, dtype=dtype)
                table[-1] = missing  # code -1: what factorize leaves for None/NaN/NA
                for k, value in enumerate(uniques):
                    converted = convert(value)
                    if converted is _INVALID:
                        shown = '"%s"' % value if isinstance(value, str) else str(value)
                        raise ValueError(
                            'column "%s", row %s: %s is not %s; the model was trained on this column as %s'
                            % (self.name, _row_of(codes, k, series.index), shown, expected, self.kind)
                        )
                    table[k] = converted
                return table[codes]

            def _number_of(self, value):
                if _is_missing_scalar(value):
                    return np.nan
                if isinstance(value, (bool, np.bool_)):
                    return 1.0 if value else 0.0
                if isinstance(value, (int, float, np.integer, np.floating)):
                    return float(value)
                if isinstance(value, str):
                    number = _parse_decimal(value)
                    if number is not None:
                        return number
                    if _trim(value) in MISSING_TEXTS:
                        return np.nan
                return _INVALID

            def _truth_of(self, value):
                if _is_missing_scalar(value):
                    return np.nan
                if isinstance(value, (bool, np.bool_)):
                    return 1.0 if value else 0.0
                if isinstance(value, (int, float, np.integer, np.floating)):
                    return float(value) if value in (0, 1) else _INVALID
                if isinstance(value, str):
                    t = _trim(value)
                    truth = _TRUTH_WORDS.get(t.lower())
                    if truth is not None:
                        return truth
                    if t in MISSING_TEXTS:
                        return np.nan
                return _INVALID

            def _code_of(self, value):
                if _is_missing_scalar(value):
                    return -1
                if isinstance(value, str):
                    # Categories keep their text as written, spaces included; only the missing-value
                    # test trims, as the CSV reader does.
                    if _trim(value) in MISSING_TEXTS:
                        return -1
                    return self.codes.get(value, -1)
                if isinstance(value, (bool, np.bool_)):
                    code = self.codes.get(str(bool(value)))
                    return code if code is not None else self.by_truth.get(1.0 if value else 0.0, -1)
                if isinstance(value, (int, float, np.integer, np.floating)):
                    code = self.codes.get(_canonical_number_text(value))
                    return code if code is not None else self.by_number.get(float(value), -1)
                return self.codes.get(str(value), -1)


        _INVALID = object()


        def _is_plain_numeric(dtype):
            """Numbers (including pandas' nullable Int/Float), not booleans, texts or objects."""
            try:
                return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            except TypeError:
                return False


        class _Tree:
            """One regression tree as numpy arrays, walked for all rows at once.

            As in Trainyard's ForestPredictor, a leaf's children are the leaf itself, so every row can
            take the same number of steps (the tree's depth); rows that reached a leaf are set aside
            once they are a good share, so deep, lopsided leaf-wise trees cost little.
            """

            def __init__(self, tree, category_sets):
                left = np.asarray(tree["left"], dtype=np.intp)
                right = np.asarray(tree["right"], dtype=np.intp)
                feature = np.asarray(tree["featureIndex"], dtype=np.intp)
                threshold = np.asarray(tree["threshold"], dtype=np.float64)
                default_left = np.asarray(tree["defaultLeft"], dtype=bool)
                self.value = np.asarray(tree["leafValue"], dtype=np.float64)
                count = len(left)
                if count == 0:
                    raise ValueError("a tree has no nodes")
                fields = (("right", right), ("featureIndex", feature), ("threshold", threshold), ("defaultLeft", default_left),
                          ("leafValue", self.value), ("rightCategories", tree["rightCategories"]))
                for name, array in fields:
                    if len(array) != count:
                        raise ValueError("a tree's %s has %d entries for %d nodes" % (name, len(array), count))
                nodes = np.arange(count, dtype=np.intp)
                self.is_leaf = left < 0
                internal = ~self.is_leaf
                # Trainyard's trees list children after their parent, which also rules out cycles.
                if ((left[internal] <= nodes[internal]) | (left[internal] >= count)
                        | (right[internal] <= nodes[internal]) | (right[internal] >= count)).any():
                    raise ValueError("a tree has a child index that is not after its parent or out of range")
                self.feature = np.where(internal, feature, 0)
                self.threshold = np.where(internal, threshold, 0.0)
                self.missing_right = internal & ~default_left
                # children[2 * node + goes_right]
                self.children = np.empty(2 * count, dtype=np.intp)
                self.children[0::2] = np.where(internal, left, nodes)
                self.children[1::2] = np.where(internal, right, nodes)
                depth = np.zeros(count, dtype=np.intp)
                for node in np.flatnonzero(internal):
                    depth[left[node]] = depth[right[node]] = depth[node] + 1
                self.depth = int(depth.max())
                # Index into the shared category bit table per categorical split, -1 elsewhere. As in
                # Trainyard's ForestPredictor, only codes 0..<256 can be in a set.
                self.category_set = np.full(count, -1, dtype=np.intp)
                for node, codes in enumerate(tree["rightCategories"]):
                    if codes and internal[node]:
                        bits = np.zeros(256, dtype=bool)
                        for code in codes:
                            if 0 <= code < 256:
                                bits[code] = True
                        self.category_set[node] = len(category_sets)
                        category_sets.append(bits)
                self.has_categorical = bool((self.category_set >= 0).any())

            def leaves(self, flat, row_offsets, has_missing, category_bits):
                """The leaf each row reaches. ``flat`` is the row-major input matrix (NaN = missing)
                flattened, ``row_offsets`` each row's start in it, ``has_missing`` whether a row has a NaN."""
                n = len(row_offsets)
                leaf = np.zeros(n, dtype=np.intp)
                if self.depth == 0:
                    return leaf
                rows = None  # the rows still walking, None while that is all of them
                position = leaf
                offsets = row_offsets
                missing_rows = np.flatnonzero(has_missing)
                for step in range(self.depth):
                    v = flat[offsets + self.feature[position]]
                    # Trainyard goes left when v < threshold, so right when v >= threshold; NaN, which
                    # compares false, follows the split's default instead.
                    right = v >= self.threshold[position]
                    if missing_rows.size:
                        nan = missing_rows[np.isnan(v[missing_rows])]
                        right[nan] = self.missing_right[position[nan]]
                    if self.has_categorical:
                        split = np.flatnonzero(self.category_set[position] >= 0)
                        if split.size:
                            c = v[split]
                            # A code 0..<256 goes right when it is in the set; any other number goes
                            # left; NaN keeps its default.
                            code_like = (c >= 0) & (c < 256) & (c == np.floor(c))
                            codes = np.where(code_like, c, 0).astype(np.intp)
                            in_set = category_bits[self.category_set[position[split]], codes] & code_like
                            right[split] = np.where(np.isnan(c), right[split], in_set)
                    position = self.children[2 * position + right]
                    if self.depth - step > 3:
                        done = self.is_leaf[position]
                        finished = int(np.count_nonzero(done))
                        if finished * 4 >= len(position) and finished:
                            if rows is None:
                                rows = np.arange(n, dtype=np.intp)
                                leaf = np.zeros(n, dtype=np.intp)
                            leaf[rows[done]] = position[done]
                            walking = ~done
                            rows = rows[walking]
                            position = position[walking]
                            offsets = offsets[walking]
                            has_missing = has_missing[walking]
                            missing_rows = np.flatnonzero(has_missing)
                if rows is None:
                    return position
                leaf[rows] = position
                return leaf


        def _softmax_rows(scores):
            """Row-wise softmax as Trainyard computes it: shift by the row maximum, sum in class order."""
            top = scores.max(axis=1, keepdims=True)
            with np.errstate(invalid="ignore"):  # an infinite score gives NaN, as in Trainyard
                e = np.exp(scores - top)
            total = e[:, 0].copy()
            for c in range(1, e.shape[1]):
                total += e[:, c]
            return e / total[:, None]


        def _sigmoid(z):
            # As Trainyard: 1 / (1 + exp(-z)) for z >= 0, exp(z) / (1 + exp(z)) below.
            with np.errstate(over="ignore"):
                positive = z >= 0
                e = np.exp(np.where(positive, -z, z))
                return np.where(positive, 1.0 / (1.0 + e), e / (1.0 + e))


        def _linear_scores(x, coefficients, intercept):
            """``intercept + sum_c coefficients[c] * x[:, c]``, summed in column order as Trainyard does."""
            z = np.full(x.shape[0], float(intercept), dtype=np.float64)
            for c in range(x.shape[1]):
                z += coefficients[c] * x[:, c]
            return z


        class TrainyardPyfuncModel:
            """A Trainyard model read from ``model.json``, predicting like ``trainyard predict``."""

            def __init__(self, document, source="model.json"):
                if not isinstance(document, dict):
                    raise ValueError("%s: not a JSON object; expected a Trainyard model (model.json)" % source)
                fmt = document.get("format")
                if fmt != FORMAT_NAME:
                    raise ValueError(
                        '%s: format is %s; expected "%s" (a model.json written by trainyard train)'
                        % (source, json.dumps(fmt) if fmt is not None else "missing", FORMAT_NAME)
                    )
                version = document.get("formatVersion")
                if not isinstance(version, int) or isinstance(version, bool):
                    raise ValueError("%s: formatVersion is %s; expected a whole number" % (
                        source, "missing" if version is None else json.dumps(version)))
                if version > FORMAT_VERSION:
                    raise ValueError(
                        "%s: formatVersion %d is newer than this module reads (%d); load the model with the "
                        "trainyard_pyfunc.py written beside it, or one from a newer trainyard" % (source, version, FORMAT_VERSION)
                    )
                self.source = source
                try:
                    self._read(document)
                except (KeyError, TypeError, IndexError, ValueError) as error:
                    detail = ("missing %s" % error) if isinstance(error, KeyError) else str(error)
                    raise ValueError("%s: %s; the file is damaged or was edited" % (source, detail)) from None

            @classmethod
            def load(cls, path):
                path = os.fspath(path)
                if os.path.isdir(path):
                    path = os.path.join(path, "model.json")
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError as error:
                    raise ValueError("%s: cannot read the model file: %s" % (path, error.strerror or error)) from None
                try:
                    document = json.loads(data)
                except ValueError:
                    raise ValueError("%s: not a JSON object; expected a Trainyard model (model.json)" % path) from None
                return cls(document, source=path)

            def _read(self, document):
                target = document["target"]
                self.target_name = target["name"]
                self.task = target["task"]
                if self.task not in ("classification", "regression"):
                    raise ValueError('target.task "%s" is neither classification nor regression' % self.task)
                self.classes = [str(c) for c in target.get("classes", [])] if self.task == "classification" else []
                self.features = [_Feature(spec) for spec in document["features"]]
                encoding = document["encoding"]
                self.encoding = encoding["method"]
                if self.encoding not in ("native", "oneHot"):
                    raise ValueError('encoding.method "%s" is not native or oneHot' % self.encoding)
                self.imputation = {str(k): float(v) for k, v in encoding.get("imputation", {}).items()}
                self.input_names = []
                for feature in self.features:
                    if self.encoding == "oneHot" and feature.kind == "categorical":
                        self.input_names.extend("%s=%s" % (feature.name, c) for c in feature.categories)
                    else:
                        self.input_names.append(feature.name)

                model = document["model"]
                self.model_type = model["type"]
                if self.model_type not in ("gbdt", "logistic", "linear"):
                    raise ValueError('model.type "%s" is not gbdt, logistic or linear' % self.model_type)
                fitted = model[self.model_type]
                names = list(fitted["featureNames"])
                if names != self.input_names:
                    raise ValueError("model.%s.featureNames do not match the features and their encoding" % self.model_type)
                d = len(names)
                if self.model_type == "gbdt":
                    self.objective = fitted["objective"]
                    if self.objective not in ("binary:logistic", "multi:softprob", "reg:squarederror"):
                        raise ValueError('model.gbdt.objective "%s" is not one this loader knows' % self.objective)
                    self.base_scores = np.asarray(fitted["baseScores"], dtype=np.float64)
                    self.output_count = len(self.base_scores)
                    if self.output_count != int(fitted.get("outputCount", self.output_count)):
                        raise ValueError("model.gbdt.outputCount does not match baseScores")
                    category_sets = []
                    self.trees = [_Tree(tree, category_sets) for tree in fitted["trees"]]
                    if len(self.trees) % self.output_count:
                        raise ValueError("model.gbdt.trees do not fill whole rounds")
                    for tree in self.trees:
                        if ((tree.feature < 0) | (tree.feature >= d)).any():
                            raise ValueError("a tree splits on a feature index outside 0..<%d" % d)
                    self.category_bits = np.array(category_sets, dtype=bool).reshape(len(category_sets), 256)
                    if (self.objective == "reg:squarederror") != (self.task == "regression"):
                        raise ValueError('model.gbdt.objective "%s" does not fit a %s target' % (self.objective, self.task))
                    expected_outputs = len(self.classes) if self.objective == "multi:softprob" else 1
                    if self.output_count != expected_outputs:
                        raise ValueError("model.gbdt has %d outputs for %d classes" % (self.output_count, len(self.classes)))
                elif self.model_type == "logistic":
                    self.class_count = int(fitted["classCount"])
                    rows = 1 if self.class_count == 2 else self.class_count
                    self.coefficients = np.asarray(fitted["coefficients"], dtype=np.float64).reshape(rows, d)
                    self.intercepts = np.asarray(fitted["intercepts"], dtype=np.float64).reshape(rows)
                    if self.class_count != len(self.classes):
                        raise ValueError("model.logistic.classCount is %d for %d classes" % (self.class_count, len(self.classes)))
                else:
                    self.coefficients = np.asarray(fitted["coefficients"], dtype=np.float64).reshape(d)
                    self.intercept = float(fitted["intercept"])
                if self.task == "classification" and len(self.classes) < 2:
                    raise ValueError("a classification model needs at least 2 classes")
                if (self.model_type == "logistic" and self.task != "classification") or (
                        self.model_type == "linear" and self.task != "regression"):
                    raise ValueError("a %s model cannot have a %s target" % (self.model_type, self.task))

            @property
            def feature_names(self):
                """The columns the model reads, in schema order."""
                return [f.name for f in self.features]

            @property
            def output_columns(self):
                return ["prediction"] + ["probability_%s" % c for c in self.classes]

            # Prediction

            def predict(self, model_input, params=None):
                """Predictions for the rows of ``model_input`` (a DataFrame or a dict of columns)."""
                if params:
                    raise ValueError("a Trainyard model takes no prediction parameters; got %s" % ", ".join(sorted(params)))
                columns, index, n = self._columns(model_input)
                x = self._matrix(columns, n)
                if self.model_type == "gbdt":
                    values = self._predict_gbdt(x)
                elif self.model_type == "logistic":
                    values = self._predict_logistic(x)
                else:
                    values = _linear_scores(x, self.coefficients, self.intercept)[:, None]
                return self._frame(values, index)

            def _columns(self, model_input):
                """The feature columns of the input as Series, its row labels, and its row count."""
                if isinstance(model_input, pd.DataFrame):
                    available = list(model_input.columns)
                    get = model_input.loc
                    index = model_input.index
                    n = len(model_input)
                elif isinstance(model_input, dict):
                    available = list(model_input.keys())
                    index = None
                    n = None
                else:
                    raise ValueError(
                        "input is %s; expected a pandas DataFrame (or a dict of columns) with the columns %s"
                        % (type(model_input).__name__, ", ".join(self.feature_names))
                    )
                needed = self.feature_names
                present = set(available)
                missing = [name for name in needed if name not in present]
                if missing:
                    raise ValueError(
                        "%s %s not found; the model needs %s; the input has %s"
                        % ("column" if len(missing) == 1 else "columns", ", ".join('"%s"' % m for m in missing),
                           ", ".join(needed), ", ".join(str(c) for c in available))
                    )
                columns = {}
                for name in needed:
                    if index is not None:
                        column = get[:, name]
                        if isinstance(column, pd.DataFrame):
                            raise ValueError('column "%s" appears %d times in the input' % (name, column.shape[1]))
                    else:
                        value = model_input[name]
                        if isinstance(value, pd.Series):
                            column = value.reset_index(drop=True)
                        elif isinstance(value, (str, bytes)) or np.ndim(value) == 0:
                            column = pd.Series([value])
                        elif np.ndim(value) == 1:
                            column = pd.Series(list(value) if isinstance(value, (list, tuple)) else value)
                        else:
                            raise ValueError('column "%s" has %d dimensions; expected one value per row' % (name, np.ndim(value)))
                        if n is None:
                            n = len(column)
                        elif len(column) != n:
                            raise ValueError('column "%s" has %d values, but %s has %d' % (name, len(column), needed[0], n))
                    columns[name] = column
                return columns, index, (n or 0)

            def _matrix(self, columns, n):
                """The model's input matrix (rows x inputs, float64), as Trainyard's FeatureEncoding makes it."""
                one_hot = self.encoding == "oneHot"
                x = np.zeros((n, len(self.input_names)), dtype=np.float64)
                offset = 0
                for feature in self.features:
                    column = columns[feature.name]
                    if feature.kind == "categorical":
                        codes = feature.category_codes(column)
                        if one_hot:
                            rows = np.flatnonzero(codes >= 0)
                            x[rows, offset + codes[rows]] = 1.0
                            offset += len(feature.categories)
                        else:
                            x[:, offset] = np.where(codes >= 0, codes, np.nan)
                            offset += 1
                        continue
                    values = feature.numbers(column) if feature.kind == "numeric" else feature.truths(column)
                    if one_hot:
                        values = np.where(np.isnan(values), self.imputation.get(feature.name, 0.0), values)
                    x[:, offset] = values
                    offset += 1
                return x

            def _predict_gbdt(self, x):
                n = x.shape[0]
                scores = np.empty((n, self.output_count), dtype=np.float64)
                scores[:] = self.base_scores
                # Blocks of rows keep a walk's working arrays in cache.
                for start in range(0, n, _BLOCK_ROWS):
                    self._add_tree_outputs(x[start:start + _BLOCK_ROWS], scores[start:start + _BLOCK_ROWS])
                if self.objective == "reg:squarederror":
                    return scores
                if self.objective == "binary:logistic":
                    p = _sigmoid(scores[:, 0])
                    return np.column_stack([1.0 - p, p])
                return _softmax_rows(scores)

            def _add_tree_outputs(self, x, scores):
                k = self.output_count
                flat = x.reshape(-1)
                row_offsets = np.arange(x.shape[0], dtype=np.intp) * x.shape[1]
                has_missing = np.isnan(x).any(axis=1)
                # Tree t adds to output t % k; every row sums its trees in tree order, as Trainyard does.
                for t, tree in enumerate(self.trees):
                    scores[:, t % k] += tree.value[tree.leaves(flat, row_offsets, has_missing, self.category_bits)]

            def _predict_logistic(self, x):
                rows = self.coefficients.shape[0]
                z = np.column_stack([_linear_scores(x, self.coefficients[j], self.intercepts[j]) for j in range(rows)])
                if self.class_count == 2:
                    p = _sigmoid(z[:, 0])
                    return np.column_stack([1.0 - p, p])
                return _softmax_rows(z)

            def _frame(self, values, index):
                n = values.shape[0]
                if index is None:
                    index = pd.RangeIndex(n)
                if not self.classes:
                    return pd.DataFrame({"prediction": values[:, 0]}, index=index)
                # The most probable class, the lowest on a tie (Predictions.classIndex).
                best = np.zeros(n, dtype=np.int64)
                for c in range(1, values.shape[1]):
                    best = np.where(values[:, c] > values[np.arange(n), best], c, best)
                labels = np.asarray(self.classes, dtype=object)[best]
                data = {"prediction": labels}
                for c, name in enumerate(self.classes):
                    data["probability_%s" % name] = values[:, c]
                return pd.DataFrame(data, index=index, columns=self.output_columns)

            def __repr__(self):
                return "TrainyardPyfuncModel(%s, %s, target %r, %d features)" % (
                    self.model_type, self.task, self.target_name, len(self.features))

        """#
}
