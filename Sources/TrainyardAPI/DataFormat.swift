/// File format of a dataset. CSV with a header row is the only one so far.
public enum DataFormat: String, APIEnum {
    case csv
}
