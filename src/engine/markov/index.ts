// Markov (n-gram) models over characters or words.
export * from './ngramModel';
