// Every domain of the contract, on PostgreSQL (the files beside this one).
extension PostgresReader: StoreReading {}
extension PostgresWriter: StoreWriting {}
